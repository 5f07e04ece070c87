# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_redfile_global_optspecs
    string join \n h/help V/version
end

function __fish_redfile_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_redfile_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_redfile_using_subcommand
    set -l cmd (__fish_redfile_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c redfile -n "__fish_redfile_needs_command" -s h -l help -d 'Print help'
complete -c redfile -n "__fish_redfile_needs_command" -s V -l version -d 'Print version'
complete -c redfile -n "__fish_redfile_needs_command" -f -a "check" -d 'Verify RDB and AOF files (single, preamble, multi-part): structure, checksums and (with --deep) every encoding'
complete -c redfile -n "__fish_redfile_needs_command" -f -a "fix" -d 'Repair an AOF: cut an incomplete tail, or salvage around damage'
complete -c redfile -n "__fish_redfile_needs_command" -f -a "info" -d 'Summarize an RDB file: version, aux fields, keys per db, type and encoding'
complete -c redfile -n "__fish_redfile_needs_command" -f -a "digest" -d 'Compute the DEBUG DIGEST of an RDB file, as a server that loaded it reports it'
complete -c redfile -n "__fish_redfile_needs_command" -f -a "dump" -d 'Print every key with its type, encoding, expiry and value (JSON, JSON Lines, CSV, RESP or redis-cli commands)'
complete -c redfile -n "__fish_redfile_needs_command" -f -a "keys" -d 'Print the key names, one per line'
complete -c redfile -n "__fish_redfile_needs_command" -f -a "log" -d 'List the commands of an AOF as JSON Lines (file, offset, db, time, arguments), select what touched a key, or sum them up (--stats)'
complete -c redfile -n "__fish_redfile_needs_command" -f -a "decode" -d 'Decode a DUMP payload (raw, hex or redis-cli\'s escaped form): check its version and CRC, print its value'
complete -c redfile -n "__fish_redfile_needs_command" -f -a "memory" -d 'Estimate each key\'s memory in Redis 7.0 (rdbtools\' memory CSV), the biggest keys, or totals per prefix (table, CSV, flame graph)'
complete -c redfile -n "__fish_redfile_needs_command" -f -a "gen" -d 'Write a deterministic fixture set (RDB per version, AOFs, damaged copies) from a seeded dataset'
complete -c redfile -n "__fish_redfile_needs_command" -f -a "convert" -d 'Convert any input to an RDB, AOF, hybrid AOF or multi-part AOF directory, for a chosen RDB version and Redis release'
complete -c redfile -n "__fish_redfile_needs_command" -f -a "merge" -d 'Merge an RDB base and an AOF tail into a hybrid AOF, a multi-part directory or a compacted RDB, after checking the tail applies'
complete -c redfile -n "__fish_redfile_needs_command" -f -a "rewrite" -d 'Rewrite an AOF offline (BGREWRITEAOF): one compact base, a fresh manifest for a multi-part directory'
complete -c redfile -n "__fish_redfile_needs_command" -f -a "check-aof" -d 'Drop-in replacement for redis-check-aof (same arguments, output, exit codes)'
complete -c redfile -n "__fish_redfile_needs_command" -f -a "check-rdb" -d 'Drop-in replacement for redis-check-rdb (same arguments, output, exit codes)'
complete -c redfile -n "__fish_redfile_needs_command" -f -a "diff" -d 'Compare two datasets (RDB, AOF, multi-part, in any mix) key by key'
complete -c redfile -n "__fish_redfile_needs_command" -f -a "compat" -d 'Tell whether a server version (redis-7.0, valkey-9.0 ...) can load a file, and what blocks it'
complete -c redfile -n "__fish_redfile_needs_command" -f -a "split" -d 'Split a dataset into per-shard files by Redis Cluster hash slot'
complete -c redfile -n "__fish_redfile_needs_command" -f -a "completions" -d 'Print shell completions'
complete -c redfile -n "__fish_redfile_needs_command" -f -a "man" -d 'Print or write man pages'
complete -c redfile -n "__fish_redfile_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c redfile -n "__fish_redfile_using_subcommand check" -l now -d '"Now" for counting already expired keys, as Unix seconds (default: the current time)' -r
complete -c redfile -n "__fish_redfile_using_subcommand check" -l max-findings -d 'Keep at most this many findings per file (the rest are counted)' -r
complete -c redfile -n "__fish_redfile_using_subcommand check" -l deep -d 'Also validate every internal encoding entry by entry'
complete -c redfile -n "__fish_redfile_using_subcommand check" -l json -d 'Print a JSON document instead of text'
complete -c redfile -n "__fish_redfile_using_subcommand check" -s h -l help -d 'Print help'
complete -c redfile -n "__fish_redfile_using_subcommand check" -s V -l version -d 'Print version'
complete -c redfile -n "__fish_redfile_using_subcommand fix" -l backup -d 'Keep the backup here instead of <file>.bak' -r -F
complete -c redfile -n "__fish_redfile_using_subcommand fix" -l truncate-to-timestamp -d 'Cut at the first `#TS:` annotation later than this Unix time' -r
complete -c redfile -n "__fish_redfile_using_subcommand fix" -l dry-run -d 'Show what would be cut; change nothing'
complete -c redfile -n "__fish_redfile_using_subcommand fix" -s y -l yes -d 'Do not ask for confirmation (required when standard input is not a terminal)'
complete -c redfile -n "__fish_redfile_using_subcommand fix" -l no-backup -d 'Do not keep a backup of the original'
complete -c redfile -n "__fish_redfile_using_subcommand fix" -l salvage -d 'Skip damage in the middle, keeping every well-formed command after it'
complete -c redfile -n "__fish_redfile_using_subcommand fix" -l json -d 'Print a JSON document instead of text'
complete -c redfile -n "__fish_redfile_using_subcommand fix" -s h -l help -d 'Print help'
complete -c redfile -n "__fish_redfile_using_subcommand fix" -s V -l version -d 'Print version'
complete -c redfile -n "__fish_redfile_using_subcommand info" -l now -d '"Now" for counting already expired keys, as Unix seconds (default: the current time)' -r
complete -c redfile -n "__fish_redfile_using_subcommand info" -l json -d 'Print JSON instead of tables'
complete -c redfile -n "__fish_redfile_using_subcommand info" -s h -l help -d 'Print help'
complete -c redfile -n "__fish_redfile_using_subcommand info" -s V -l version -d 'Print version'
complete -c redfile -n "__fish_redfile_using_subcommand digest" -l redis-version -d 'Use the digest rules of this Redis version (e.g. 7.0.15)' -r
complete -c redfile -n "__fish_redfile_using_subcommand digest" -l per-key -d 'Also print every key\'s DEBUG DIGEST-VALUE (db, key, digest)'
complete -c redfile -n "__fish_redfile_using_subcommand digest" -l json -d 'Print JSON'
complete -c redfile -n "__fish_redfile_using_subcommand digest" -s h -l help -d 'Print help'
complete -c redfile -n "__fish_redfile_using_subcommand digest" -s V -l version -d 'Print version'
complete -c redfile -n "__fish_redfile_using_subcommand dump" -l format -d 'Output format' -r -f -a "json\t'One JSON document: {"keys": [...], "functions": [...], "aux": {...}}'
jsonl\t'One JSON object per key and line (for pipelines)'
csv\t'CSV: db,key,type,encoding,expire_ms,value'
resp\t'RESP commands that recreate the data (for `redis-cli --pipe`)'
cmd\t'The same commands, readable, one per line (redis-cli syntax)'"
complete -c redfile -n "__fish_redfile_using_subcommand dump" -l redis-version -d 'For resp and cmd: write commands for this Redis version (e.g. 7.0; default: the file\'s redis-ver, else 7.4)' -r
complete -c redfile -n "__fish_redfile_using_subcommand dump" -l threads -d 'Render on this many threads (default: one per core; 1: no extra thread). The output is the same, in file order' -r
complete -c redfile -n "__fish_redfile_using_subcommand dump" -l db -d 'Only this database (repeatable)' -r
complete -c redfile -n "__fish_redfile_using_subcommand dump" -l match -d 'Only keys matching this Redis glob (`*`, `?`, `[a-z]`, `[^x]`, `\\` escapes, as KEYS and SCAN MATCH)' -r
complete -c redfile -n "__fish_redfile_using_subcommand dump" -l regex -d 'Only keys matching this regular expression (Rust `regex` syntax, unanchored, over the key\'s bytes)' -r
complete -c redfile -n "__fish_redfile_using_subcommand dump" -l type -d 'Only keys of this type (repeatable)' -r -f -a "string\t'Strings (also HyperLogLogs and bitmaps)'
list\t'Lists'
set\t'Sets'
zset\t'Sorted sets'
hash\t'Hashes'
stream\t'Streams'
module\t'Module values'
array\t'Redis 8.8 arrays'"
complete -c redfile -n "__fish_redfile_using_subcommand dump" -l expired -d 'Keys already expired at "now": include, exclude, or only them' -r -f -a "include\t'Keep them (the file holds them)'
exclude\t'Leave them out (what a server loading the file keeps)'
only\t'Only them'"
complete -c redfile -n "__fish_redfile_using_subcommand dump" -l now -d '"Now" for --expired, as Unix seconds (default: the file\'s ctime aux field, else the current time)' -r
complete -c redfile -n "__fish_redfile_using_subcommand dump" -l min-size -d 'Only values taking at least this many bytes in the file (their RDB encoding)' -r
complete -c redfile -n "__fish_redfile_using_subcommand dump" -l limit -d 'Stop after this many keys' -r
complete -c redfile -n "__fish_redfile_using_subcommand dump" -s q -l quiet -d 'No progress bar on standard error (there is none anyway when it is not a terminal)'
complete -c redfile -n "__fish_redfile_using_subcommand dump" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c redfile -n "__fish_redfile_using_subcommand dump" -s V -l version -d 'Print version'
complete -c redfile -n "__fish_redfile_using_subcommand keys" -l db -d 'Only this database (repeatable)' -r
complete -c redfile -n "__fish_redfile_using_subcommand keys" -l match -d 'Only keys matching this Redis glob (`*`, `?`, `[a-z]`, `[^x]`, `\\` escapes, as KEYS and SCAN MATCH)' -r
complete -c redfile -n "__fish_redfile_using_subcommand keys" -l regex -d 'Only keys matching this regular expression (Rust `regex` syntax, unanchored, over the key\'s bytes)' -r
complete -c redfile -n "__fish_redfile_using_subcommand keys" -l type -d 'Only keys of this type (repeatable)' -r -f -a "string\t'Strings (also HyperLogLogs and bitmaps)'
list\t'Lists'
set\t'Sets'
zset\t'Sorted sets'
hash\t'Hashes'
stream\t'Streams'
module\t'Module values'
array\t'Redis 8.8 arrays'"
complete -c redfile -n "__fish_redfile_using_subcommand keys" -l expired -d 'Keys already expired at "now": include, exclude, or only them' -r -f -a "include\t'Keep them (the file holds them)'
exclude\t'Leave them out (what a server loading the file keeps)'
only\t'Only them'"
complete -c redfile -n "__fish_redfile_using_subcommand keys" -l now -d '"Now" for --expired, as Unix seconds (default: the file\'s ctime aux field, else the current time)' -r
complete -c redfile -n "__fish_redfile_using_subcommand keys" -l min-size -d 'Only values taking at least this many bytes in the file (their RDB encoding)' -r
complete -c redfile -n "__fish_redfile_using_subcommand keys" -l limit -d 'Stop after this many keys' -r
complete -c redfile -n "__fish_redfile_using_subcommand keys" -s q -l quiet -d 'No progress bar on standard error (there is none anyway when it is not a terminal)'
complete -c redfile -n "__fish_redfile_using_subcommand keys" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c redfile -n "__fish_redfile_using_subcommand keys" -s V -l version -d 'Print version'
complete -c redfile -n "__fish_redfile_using_subcommand log" -l separator -d 'With --stats: what separates the parts of a key name' -r
complete -c redfile -n "__fish_redfile_using_subcommand log" -l depth -d 'With --stats: how many prefix levels to count' -r
complete -c redfile -n "__fish_redfile_using_subcommand log" -l key -d 'Only what touched this key (repeatable)' -r
complete -c redfile -n "__fish_redfile_using_subcommand log" -l match -d 'Only what touched a key matching this glob (Redis KEYS syntax; repeatable)' -r
complete -c redfile -n "__fish_redfile_using_subcommand log" -l db -d 'Only commands in this database (repeatable)' -r
complete -c redfile -n "__fish_redfile_using_subcommand log" -l command -d 'Only this command (case-insensitive; repeatable)' -r
complete -c redfile -n "__fish_redfile_using_subcommand log" -l limit -d 'Stop after N commands' -r
complete -c redfile -n "__fish_redfile_using_subcommand log" -l stats -d 'Print a summary instead of the commands: per command, per key prefix and per minute (from #TS annotations)'
complete -c redfile -n "__fish_redfile_using_subcommand log" -l json -d 'With --stats: one JSON document instead of tables'
complete -c redfile -n "__fish_redfile_using_subcommand log" -s q -l quiet -d 'No progress bar on standard error (there is none anyway when it is not a terminal)'
complete -c redfile -n "__fish_redfile_using_subcommand log" -s h -l help -d 'Print help'
complete -c redfile -n "__fish_redfile_using_subcommand log" -s V -l version -d 'Print version'
complete -c redfile -n "__fish_redfile_using_subcommand decode" -l file -d 'Read the payload from this file (default: standard input)' -r -F
complete -c redfile -n "__fish_redfile_using_subcommand decode" -l form -d 'How the payload is written' -r -f -a "auto\t'Decide from the content (the default)'
raw\t'The bytes themselves'
hex\t'Hex digits'
escaped\t'redis-cli\'s quoted form ("\\x00\\xc0\\x05\\t..."), quotes optional'"
complete -c redfile -n "__fish_redfile_using_subcommand decode" -l format -d 'Output format' -r -f -a "json\t'One JSON document, as `dump --format json`'
jsonl\t'One JSON line, as `dump --format jsonl`'
resp\t'The commands that recreate the value, as RESP'
cmd\t'The same commands, one per line (redis-cli syntax)'"
complete -c redfile -n "__fish_redfile_using_subcommand decode" -l key -d 'The key name used in the output' -r
complete -c redfile -n "__fish_redfile_using_subcommand decode" -l redis-version -d 'For resp and cmd: write commands for this Redis version (e.g. 7.0; default: the one the payload\'s RDB version implies)' -r
complete -c redfile -n "__fish_redfile_using_subcommand decode" -l hex -d 'The payload is hex (same as --form hex)'
complete -c redfile -n "__fish_redfile_using_subcommand decode" -l no-check -d 'Decode even when the version or the checksum is wrong'
complete -c redfile -n "__fish_redfile_using_subcommand decode" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c redfile -n "__fish_redfile_using_subcommand decode" -s V -l version -d 'Print version'
complete -c redfile -n "__fish_redfile_using_subcommand memory" -l top -d 'Only the N biggest keys, largest first (a table unless --format csv)' -r
complete -c redfile -n "__fish_redfile_using_subcommand memory" -l separator -d 'Prefix separator for --by-prefix' -r
complete -c redfile -n "__fish_redfile_using_subcommand memory" -l depth -d 'Prefix levels for --by-prefix' -r
complete -c redfile -n "__fish_redfile_using_subcommand memory" -l format -d 'Output of --top (table, csv) and --by-prefix (table, csv, svg)' -r -f -a "table\t'A table'
csv\t'CSV'
svg\t'A flame graph as SVG (with --by-prefix): width is bytes, hover for prefix, bytes and keys'"
complete -c redfile -n "__fish_redfile_using_subcommand memory" -l db -d 'Only this database (repeatable)' -r
complete -c redfile -n "__fish_redfile_using_subcommand memory" -l match -d 'Only keys matching this Redis glob (`*`, `?`, `[a-z]`, `[^x]`, `\\` escapes, as KEYS and SCAN MATCH)' -r
complete -c redfile -n "__fish_redfile_using_subcommand memory" -l regex -d 'Only keys matching this regular expression (Rust `regex` syntax, unanchored, over the key\'s bytes)' -r
complete -c redfile -n "__fish_redfile_using_subcommand memory" -l type -d 'Only keys of this type (repeatable)' -r -f -a "string\t'Strings (also HyperLogLogs and bitmaps)'
list\t'Lists'
set\t'Sets'
zset\t'Sorted sets'
hash\t'Hashes'
stream\t'Streams'
module\t'Module values'
array\t'Redis 8.8 arrays'"
complete -c redfile -n "__fish_redfile_using_subcommand memory" -l expired -d 'Keys already expired at "now": include, exclude, or only them' -r -f -a "include\t'Keep them (the file holds them)'
exclude\t'Leave them out (what a server loading the file keeps)'
only\t'Only them'"
complete -c redfile -n "__fish_redfile_using_subcommand memory" -l now -d '"Now" for --expired, as Unix seconds (default: the file\'s ctime aux field, else the current time)' -r
complete -c redfile -n "__fish_redfile_using_subcommand memory" -l min-size -d 'Only values taking at least this many bytes in the file (their RDB encoding)' -r
complete -c redfile -n "__fish_redfile_using_subcommand memory" -l limit -d 'Stop after this many keys' -r
complete -c redfile -n "__fish_redfile_using_subcommand memory" -l by-prefix -d 'Totals per key prefix, at every level up to --depth'
complete -c redfile -n "__fish_redfile_using_subcommand memory" -s q -l quiet -d 'No progress bar on standard error (there is none anyway when it is not a terminal)'
complete -c redfile -n "__fish_redfile_using_subcommand memory" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c redfile -n "__fish_redfile_using_subcommand memory" -s V -l version -d 'Print version'
complete -c redfile -n "__fish_redfile_using_subcommand gen" -l seed -d 'Seed of the generator' -r
complete -c redfile -n "__fish_redfile_using_subcommand gen" -l keys -d 'About how many keys each dataset holds' -r
complete -c redfile -n "__fish_redfile_using_subcommand gen" -l out -d 'Directory to write (created; must be empty unless --force)' -r -F
complete -c redfile -n "__fish_redfile_using_subcommand gen" -l force -d 'Replace the contents of a non-empty output directory'
complete -c redfile -n "__fish_redfile_using_subcommand gen" -s h -l help -d 'Print help'
complete -c redfile -n "__fish_redfile_using_subcommand gen" -s V -l version -d 'Print version'
complete -c redfile -n "__fish_redfile_using_subcommand convert" -l to -d 'The output format' -r -f -a "rdb\t'An RDB file'
aof\t'A RESP AOF as BGREWRITEAOF writes it (aof-use-rdb-preamble no)'
hybrid\t'A single AOF starting with an RDB preamble (Redis 4.0-6.2)'
multipart\t'A Redis 7 multi-part AOF directory (BASE, empty INCR, manifest)'"
complete -c redfile -n "__fish_redfile_using_subcommand convert" -l rdb-version -d 'RDB version to write, 9 to 14 (default: the input\'s when redfile writes it, else the one --redis-version writes, else the lowest that holds the data: 9, or 10 for a directory, raised by hash field TTLs to 12, functions to 10, stream producer state to 13, arrays and NACK zones to 14)' -r
complete -c redfile -n "__fish_redfile_using_subcommand convert" -l redis-version -d 'Write the AOF commands of this Redis version (e.g. 7.0; default: the release that writes the RDB version)' -r
complete -c redfile -n "__fish_redfile_using_subcommand convert" -l lossy -d 'Give up data the target cannot express instead of refusing (repeatable)' -r -f -a "drop-field-ttl\t'Hash field TTLs (RDB < 12, Redis < 7.4): the fields stay, persistent'
drop-functions\t'Function libraries (RDB 9, Redis < 7.0)'
drop-stream-idmp\t'Stream idempotent-producer state (RDB < 13, Redis < 8.6)'
drop-stream-nack\t'Stream NACK zones (RDB < 14, Redis < 8.8)'
drop-arrays\t'Array keys (RDB < 14, Redis < 8.8)'
drop-module-values\t'Module keys (an AOF cannot hold them)'"
complete -c redfile -n "__fish_redfile_using_subcommand convert" -l base -d 'For multipart: the BASE format' -r -f -a "rdb\t'An RDB image (aof-use-rdb-preamble yes)'
aof\t'RESP commands (aof-use-rdb-preamble no)'"
complete -c redfile -n "__fish_redfile_using_subcommand convert" -l aof-name -d 'For multipart: appendfilename, the prefix of the file names' -r
complete -c redfile -n "__fish_redfile_using_subcommand convert" -l force -d 'Replace OUT if it exists'
complete -c redfile -n "__fish_redfile_using_subcommand convert" -s q -l quiet -d 'No progress bar on standard error (there is none anyway when it is not a terminal)'
complete -c redfile -n "__fish_redfile_using_subcommand convert" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c redfile -n "__fish_redfile_using_subcommand convert" -s V -l version -d 'Print version'
complete -c redfile -n "__fish_redfile_using_subcommand merge" -s o -l output -d 'The output file (the directory itself for multipart)' -r -F
complete -c redfile -n "__fish_redfile_using_subcommand merge" -l to -d 'The output format' -r -f -a "hybrid\t'One file: the base\'s RDB bytes, then the tail verbatim'
multipart\t'A Redis 7 directory: the base as BASE, the tail as INCR, a manifest'
rdb\t'The base with the tail applied, as an RDB'"
complete -c redfile -n "__fish_redfile_using_subcommand merge" -l aof-name -d 'For multipart: appendfilename, the prefix of the file names' -r
complete -c redfile -n "__fish_redfile_using_subcommand merge" -l rdb-version -d 'For rdb: the RDB version (default: the base\'s)' -r
complete -c redfile -n "__fish_redfile_using_subcommand merge" -l lossy -d 'For rdb: give up data the version cannot express (repeatable)' -r -f -a "drop-field-ttl\t'Hash field TTLs (RDB < 12, Redis < 7.4): the fields stay, persistent'
drop-functions\t'Function libraries (RDB 9, Redis < 7.0)'
drop-stream-idmp\t'Stream idempotent-producer state (RDB < 13, Redis < 8.6)'
drop-stream-nack\t'Stream NACK zones (RDB < 14, Redis < 8.8)'
drop-arrays\t'Array keys (RDB < 14, Redis < 8.8)'
drop-module-values\t'Module keys (an AOF cannot hold them)'"
complete -c redfile -n "__fish_redfile_using_subcommand merge" -l force -d 'Write even when part of the tail cannot be applied'
complete -c redfile -n "__fish_redfile_using_subcommand merge" -l overwrite -d 'Replace OUT if it exists'
complete -c redfile -n "__fish_redfile_using_subcommand merge" -s q -l quiet -d 'No progress bar on standard error (there is none anyway when it is not a terminal)'
complete -c redfile -n "__fish_redfile_using_subcommand merge" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c redfile -n "__fish_redfile_using_subcommand merge" -s V -l version -d 'Print version'
complete -c redfile -n "__fish_redfile_using_subcommand rewrite" -l base -d 'The new base\'s format' -r -f -a "rdb\t'An RDB image (aof-use-rdb-preamble yes)'
aof\t'RESP commands (aof-use-rdb-preamble no)'"
complete -c redfile -n "__fish_redfile_using_subcommand rewrite" -l rdb-version -d 'RDB version to write, 9 to 14 (default: the input\'s when redfile writes it, else the one --redis-version writes, else the lowest that holds the data: 9, or 10 for a directory, raised by hash field TTLs to 12, functions to 10, stream producer state to 13, arrays and NACK zones to 14)' -r
complete -c redfile -n "__fish_redfile_using_subcommand rewrite" -l redis-version -d 'Write the AOF commands of this Redis version (e.g. 7.0; default: the release that writes the RDB version)' -r
complete -c redfile -n "__fish_redfile_using_subcommand rewrite" -l lossy -d 'Give up data the target cannot express instead of refusing (repeatable)' -r -f -a "drop-field-ttl\t'Hash field TTLs (RDB < 12, Redis < 7.4): the fields stay, persistent'
drop-functions\t'Function libraries (RDB 9, Redis < 7.0)'
drop-stream-idmp\t'Stream idempotent-producer state (RDB < 13, Redis < 8.6)'
drop-stream-nack\t'Stream NACK zones (RDB < 14, Redis < 8.8)'
drop-arrays\t'Array keys (RDB < 14, Redis < 8.8)'
drop-module-values\t'Module keys (an AOF cannot hold them)'"
complete -c redfile -n "__fish_redfile_using_subcommand rewrite" -l no-backup -d 'Do not keep the previous file(s)'
complete -c redfile -n "__fish_redfile_using_subcommand rewrite" -s q -l quiet -d 'No progress bar on standard error (there is none anyway when it is not a terminal)'
complete -c redfile -n "__fish_redfile_using_subcommand rewrite" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c redfile -n "__fish_redfile_using_subcommand rewrite" -s V -l version -d 'Print version'
complete -c redfile -n "__fish_redfile_using_subcommand check-aof" -s h -l help -d 'Print help'
complete -c redfile -n "__fish_redfile_using_subcommand check-aof" -s V -l version -d 'Print version'
complete -c redfile -n "__fish_redfile_using_subcommand check-rdb" -s h -l help -d 'Print help'
complete -c redfile -n "__fish_redfile_using_subcommand check-rdb" -s V -l version -d 'Print version'
complete -c redfile -n "__fish_redfile_using_subcommand diff" -l ttl-tolerance -d 'TTLs (of keys and hash fields) at most this many milliseconds apart are equal' -r
complete -c redfile -n "__fish_redfile_using_subcommand diff" -l json -d 'Print one JSON document instead of the report'
complete -c redfile -n "__fish_redfile_using_subcommand diff" -s q -l quiet -d 'No progress bar on standard error (there is none anyway when it is not a terminal)'
complete -c redfile -n "__fish_redfile_using_subcommand diff" -s h -l help -d 'Print help'
complete -c redfile -n "__fish_redfile_using_subcommand diff" -s V -l version -d 'Print version'
complete -c redfile -n "__fish_redfile_using_subcommand compat" -l target -d 'The server to check against (e.g. redis-7.0, valkey-9.0)' -r
complete -c redfile -n "__fish_redfile_using_subcommand compat" -l json -d 'Print one JSON document: {"file", "kind", "rdb": {...} or null, "targets": [{"target", "loadable", "blockers": [...], "fix"}]}'
complete -c redfile -n "__fish_redfile_using_subcommand compat" -s h -l help -d 'Print help'
complete -c redfile -n "__fish_redfile_using_subcommand compat" -s V -l version -d 'Print version'
complete -c redfile -n "__fish_redfile_using_subcommand split" -l slots -d 'Slot ranges per shard: `0-5460,5461-10922,10923-16383`' -r
complete -c redfile -n "__fish_redfile_using_subcommand split" -l nodes -d 'A cluster\'s nodes.conf: one shard per master serving slots' -r -F
complete -c redfile -n "__fish_redfile_using_subcommand split" -s o -l out-dir -d 'Output directory (created if missing)' -r -F
complete -c redfile -n "__fish_redfile_using_subcommand split" -l format -d 'Output format' -r -f -a "rdb\t'RDB files'
resp\t'RESP AOFs (the commands of an AOF rewrite)'"
complete -c redfile -n "__fish_redfile_using_subcommand split" -l rdb-version -d 'RDB version of the outputs (9 to 14; default: the input\'s, else 11)' -r
complete -c redfile -n "__fish_redfile_using_subcommand split" -l db -d 'Split this database (written as db 0) and ignore the others' -r
complete -c redfile -n "__fish_redfile_using_subcommand split" -l json -d 'Print the shards as one JSON document'
complete -c redfile -n "__fish_redfile_using_subcommand split" -s q -l quiet -d 'No progress bar on standard error (there is none anyway when it is not a terminal)'
complete -c redfile -n "__fish_redfile_using_subcommand split" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c redfile -n "__fish_redfile_using_subcommand split" -s V -l version -d 'Print version'
complete -c redfile -n "__fish_redfile_using_subcommand completions" -s h -l help -d 'Print help'
complete -c redfile -n "__fish_redfile_using_subcommand completions" -s V -l version -d 'Print version'
complete -c redfile -n "__fish_redfile_using_subcommand man" -l out-dir -d 'Write `redfile.1` and `redfile-<subcommand>.1` files here' -r -F
complete -c redfile -n "__fish_redfile_using_subcommand man" -s h -l help -d 'Print help'
complete -c redfile -n "__fish_redfile_using_subcommand man" -s V -l version -d 'Print version'
complete -c redfile -n "__fish_redfile_using_subcommand help; and not __fish_seen_subcommand_from check fix info digest dump keys log decode memory gen convert merge rewrite check-aof check-rdb diff compat split completions man help" -f -a "check" -d 'Verify RDB and AOF files (single, preamble, multi-part): structure, checksums and (with --deep) every encoding'
complete -c redfile -n "__fish_redfile_using_subcommand help; and not __fish_seen_subcommand_from check fix info digest dump keys log decode memory gen convert merge rewrite check-aof check-rdb diff compat split completions man help" -f -a "fix" -d 'Repair an AOF: cut an incomplete tail, or salvage around damage'
complete -c redfile -n "__fish_redfile_using_subcommand help; and not __fish_seen_subcommand_from check fix info digest dump keys log decode memory gen convert merge rewrite check-aof check-rdb diff compat split completions man help" -f -a "info" -d 'Summarize an RDB file: version, aux fields, keys per db, type and encoding'
complete -c redfile -n "__fish_redfile_using_subcommand help; and not __fish_seen_subcommand_from check fix info digest dump keys log decode memory gen convert merge rewrite check-aof check-rdb diff compat split completions man help" -f -a "digest" -d 'Compute the DEBUG DIGEST of an RDB file, as a server that loaded it reports it'
complete -c redfile -n "__fish_redfile_using_subcommand help; and not __fish_seen_subcommand_from check fix info digest dump keys log decode memory gen convert merge rewrite check-aof check-rdb diff compat split completions man help" -f -a "dump" -d 'Print every key with its type, encoding, expiry and value (JSON, JSON Lines, CSV, RESP or redis-cli commands)'
complete -c redfile -n "__fish_redfile_using_subcommand help; and not __fish_seen_subcommand_from check fix info digest dump keys log decode memory gen convert merge rewrite check-aof check-rdb diff compat split completions man help" -f -a "keys" -d 'Print the key names, one per line'
complete -c redfile -n "__fish_redfile_using_subcommand help; and not __fish_seen_subcommand_from check fix info digest dump keys log decode memory gen convert merge rewrite check-aof check-rdb diff compat split completions man help" -f -a "log" -d 'List the commands of an AOF as JSON Lines (file, offset, db, time, arguments), select what touched a key, or sum them up (--stats)'
complete -c redfile -n "__fish_redfile_using_subcommand help; and not __fish_seen_subcommand_from check fix info digest dump keys log decode memory gen convert merge rewrite check-aof check-rdb diff compat split completions man help" -f -a "decode" -d 'Decode a DUMP payload (raw, hex or redis-cli\'s escaped form): check its version and CRC, print its value'
complete -c redfile -n "__fish_redfile_using_subcommand help; and not __fish_seen_subcommand_from check fix info digest dump keys log decode memory gen convert merge rewrite check-aof check-rdb diff compat split completions man help" -f -a "memory" -d 'Estimate each key\'s memory in Redis 7.0 (rdbtools\' memory CSV), the biggest keys, or totals per prefix (table, CSV, flame graph)'
complete -c redfile -n "__fish_redfile_using_subcommand help; and not __fish_seen_subcommand_from check fix info digest dump keys log decode memory gen convert merge rewrite check-aof check-rdb diff compat split completions man help" -f -a "gen" -d 'Write a deterministic fixture set (RDB per version, AOFs, damaged copies) from a seeded dataset'
complete -c redfile -n "__fish_redfile_using_subcommand help; and not __fish_seen_subcommand_from check fix info digest dump keys log decode memory gen convert merge rewrite check-aof check-rdb diff compat split completions man help" -f -a "convert" -d 'Convert any input to an RDB, AOF, hybrid AOF or multi-part AOF directory, for a chosen RDB version and Redis release'
complete -c redfile -n "__fish_redfile_using_subcommand help; and not __fish_seen_subcommand_from check fix info digest dump keys log decode memory gen convert merge rewrite check-aof check-rdb diff compat split completions man help" -f -a "merge" -d 'Merge an RDB base and an AOF tail into a hybrid AOF, a multi-part directory or a compacted RDB, after checking the tail applies'
complete -c redfile -n "__fish_redfile_using_subcommand help; and not __fish_seen_subcommand_from check fix info digest dump keys log decode memory gen convert merge rewrite check-aof check-rdb diff compat split completions man help" -f -a "rewrite" -d 'Rewrite an AOF offline (BGREWRITEAOF): one compact base, a fresh manifest for a multi-part directory'
complete -c redfile -n "__fish_redfile_using_subcommand help; and not __fish_seen_subcommand_from check fix info digest dump keys log decode memory gen convert merge rewrite check-aof check-rdb diff compat split completions man help" -f -a "check-aof" -d 'Drop-in replacement for redis-check-aof (same arguments, output, exit codes)'
complete -c redfile -n "__fish_redfile_using_subcommand help; and not __fish_seen_subcommand_from check fix info digest dump keys log decode memory gen convert merge rewrite check-aof check-rdb diff compat split completions man help" -f -a "check-rdb" -d 'Drop-in replacement for redis-check-rdb (same arguments, output, exit codes)'
complete -c redfile -n "__fish_redfile_using_subcommand help; and not __fish_seen_subcommand_from check fix info digest dump keys log decode memory gen convert merge rewrite check-aof check-rdb diff compat split completions man help" -f -a "diff" -d 'Compare two datasets (RDB, AOF, multi-part, in any mix) key by key'
complete -c redfile -n "__fish_redfile_using_subcommand help; and not __fish_seen_subcommand_from check fix info digest dump keys log decode memory gen convert merge rewrite check-aof check-rdb diff compat split completions man help" -f -a "compat" -d 'Tell whether a server version (redis-7.0, valkey-9.0 ...) can load a file, and what blocks it'
complete -c redfile -n "__fish_redfile_using_subcommand help; and not __fish_seen_subcommand_from check fix info digest dump keys log decode memory gen convert merge rewrite check-aof check-rdb diff compat split completions man help" -f -a "split" -d 'Split a dataset into per-shard files by Redis Cluster hash slot'
complete -c redfile -n "__fish_redfile_using_subcommand help; and not __fish_seen_subcommand_from check fix info digest dump keys log decode memory gen convert merge rewrite check-aof check-rdb diff compat split completions man help" -f -a "completions" -d 'Print shell completions'
complete -c redfile -n "__fish_redfile_using_subcommand help; and not __fish_seen_subcommand_from check fix info digest dump keys log decode memory gen convert merge rewrite check-aof check-rdb diff compat split completions man help" -f -a "man" -d 'Print or write man pages'
complete -c redfile -n "__fish_redfile_using_subcommand help; and not __fish_seen_subcommand_from check fix info digest dump keys log decode memory gen convert merge rewrite check-aof check-rdb diff compat split completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
