
use builtin;
use str;

set edit:completion:arg-completer[redfile] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'redfile'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'redfile'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand check 'Verify RDB and AOF files (single, preamble, multi-part): structure, checksums and (with --deep) every encoding'
            cand fix 'Repair an AOF: cut an incomplete tail, or salvage around damage'
            cand info 'Summarize an RDB file: version, aux fields, keys per db, type and encoding'
            cand digest 'Compute the DEBUG DIGEST of an RDB file, as a server that loaded it reports it'
            cand dump 'Print every key with its type, encoding, expiry and value (JSON, JSON Lines, CSV, RESP or redis-cli commands)'
            cand keys 'Print the key names, one per line'
            cand log 'List the commands of an AOF as JSON Lines (file, offset, db, time, arguments), select what touched a key, or sum them up (--stats)'
            cand decode 'Decode a DUMP payload (raw, hex or redis-cli''s escaped form): check its version and CRC, print its value'
            cand memory 'Estimate each key''s memory in Redis 7.0 (rdbtools'' memory CSV), the biggest keys, or totals per prefix (table, CSV, flame graph)'
            cand gen 'Write a deterministic fixture set (RDB per version, AOFs, damaged copies) from a seeded dataset'
            cand convert 'Convert any input to an RDB, AOF, hybrid AOF or multi-part AOF directory, for a chosen RDB version and Redis release'
            cand merge 'Merge an RDB base and an AOF tail into a hybrid AOF, a multi-part directory or a compacted RDB, after checking the tail applies'
            cand rewrite 'Rewrite an AOF offline (BGREWRITEAOF): one compact base, a fresh manifest for a multi-part directory'
            cand check-aof 'Drop-in replacement for redis-check-aof (same arguments, output, exit codes)'
            cand check-rdb 'Drop-in replacement for redis-check-rdb (same arguments, output, exit codes)'
            cand diff 'Compare two datasets (RDB, AOF, multi-part, in any mix) key by key'
            cand compat 'Tell whether a server version (redis-7.0, valkey-9.0 ...) can load a file, and what blocks it'
            cand split 'Split a dataset into per-shard files by Redis Cluster hash slot'
            cand completions 'Print shell completions'
            cand man 'Print or write man pages'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'redfile;check'= {
            cand --now '"Now" for counting already expired keys, as Unix seconds (default: the current time)'
            cand --max-findings 'Keep at most this many findings per file (the rest are counted)'
            cand --deep 'Also validate every internal encoding entry by entry'
            cand --json 'Print a JSON document instead of text'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'redfile;fix'= {
            cand --backup 'Keep the backup here instead of <file>.bak'
            cand --truncate-to-timestamp 'Cut at the first `#TS:` annotation later than this Unix time'
            cand --dry-run 'Show what would be cut; change nothing'
            cand -y 'Do not ask for confirmation (required when standard input is not a terminal)'
            cand --yes 'Do not ask for confirmation (required when standard input is not a terminal)'
            cand --no-backup 'Do not keep a backup of the original'
            cand --salvage 'Skip damage in the middle, keeping every well-formed command after it'
            cand --json 'Print a JSON document instead of text'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'redfile;info'= {
            cand --now '"Now" for counting already expired keys, as Unix seconds (default: the current time)'
            cand --json 'Print JSON instead of tables'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'redfile;digest'= {
            cand --redis-version 'Use the digest rules of this Redis version (e.g. 7.0.15)'
            cand --per-key 'Also print every key''s DEBUG DIGEST-VALUE (db, key, digest)'
            cand --json 'Print JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'redfile;dump'= {
            cand --format 'Output format'
            cand --redis-version 'For resp and cmd: write commands for this Redis version (e.g. 7.0; default: the file''s redis-ver, else 7.4)'
            cand --threads 'Render on this many threads (default: one per core; 1: no extra thread). The output is the same, in file order'
            cand --db 'Only this database (repeatable)'
            cand --match 'Only keys matching this Redis glob (`*`, `?`, `[a-z]`, `[^x]`, `\` escapes, as KEYS and SCAN MATCH)'
            cand --regex 'Only keys matching this regular expression (Rust `regex` syntax, unanchored, over the key''s bytes)'
            cand --type 'Only keys of this type (repeatable)'
            cand --expired 'Keys already expired at "now": include, exclude, or only them'
            cand --now '"Now" for --expired, as Unix seconds (default: the file''s ctime aux field, else the current time)'
            cand --min-size 'Only values taking at least this many bytes in the file (their RDB encoding)'
            cand --limit 'Stop after this many keys'
            cand -q 'No progress bar on standard error (there is none anyway when it is not a terminal)'
            cand --quiet 'No progress bar on standard error (there is none anyway when it is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'redfile;keys'= {
            cand --db 'Only this database (repeatable)'
            cand --match 'Only keys matching this Redis glob (`*`, `?`, `[a-z]`, `[^x]`, `\` escapes, as KEYS and SCAN MATCH)'
            cand --regex 'Only keys matching this regular expression (Rust `regex` syntax, unanchored, over the key''s bytes)'
            cand --type 'Only keys of this type (repeatable)'
            cand --expired 'Keys already expired at "now": include, exclude, or only them'
            cand --now '"Now" for --expired, as Unix seconds (default: the file''s ctime aux field, else the current time)'
            cand --min-size 'Only values taking at least this many bytes in the file (their RDB encoding)'
            cand --limit 'Stop after this many keys'
            cand -q 'No progress bar on standard error (there is none anyway when it is not a terminal)'
            cand --quiet 'No progress bar on standard error (there is none anyway when it is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'redfile;log'= {
            cand --separator 'With --stats: what separates the parts of a key name'
            cand --depth 'With --stats: how many prefix levels to count'
            cand --key 'Only what touched this key (repeatable)'
            cand --match 'Only what touched a key matching this glob (Redis KEYS syntax; repeatable)'
            cand --db 'Only commands in this database (repeatable)'
            cand --command 'Only this command (case-insensitive; repeatable)'
            cand --limit 'Stop after N commands'
            cand --stats 'Print a summary instead of the commands: per command, per key prefix and per minute (from #TS annotations)'
            cand --json 'With --stats: one JSON document instead of tables'
            cand -q 'No progress bar on standard error (there is none anyway when it is not a terminal)'
            cand --quiet 'No progress bar on standard error (there is none anyway when it is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'redfile;decode'= {
            cand --file 'Read the payload from this file (default: standard input)'
            cand --form 'How the payload is written'
            cand --format 'Output format'
            cand --key 'The key name used in the output'
            cand --redis-version 'For resp and cmd: write commands for this Redis version (e.g. 7.0; default: the one the payload''s RDB version implies)'
            cand --hex 'The payload is hex (same as --form hex)'
            cand --no-check 'Decode even when the version or the checksum is wrong'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'redfile;memory'= {
            cand --top 'Only the N biggest keys, largest first (a table unless --format csv)'
            cand --separator 'Prefix separator for --by-prefix'
            cand --depth 'Prefix levels for --by-prefix'
            cand --format 'Output of --top (table, csv) and --by-prefix (table, csv, svg)'
            cand --db 'Only this database (repeatable)'
            cand --match 'Only keys matching this Redis glob (`*`, `?`, `[a-z]`, `[^x]`, `\` escapes, as KEYS and SCAN MATCH)'
            cand --regex 'Only keys matching this regular expression (Rust `regex` syntax, unanchored, over the key''s bytes)'
            cand --type 'Only keys of this type (repeatable)'
            cand --expired 'Keys already expired at "now": include, exclude, or only them'
            cand --now '"Now" for --expired, as Unix seconds (default: the file''s ctime aux field, else the current time)'
            cand --min-size 'Only values taking at least this many bytes in the file (their RDB encoding)'
            cand --limit 'Stop after this many keys'
            cand --by-prefix 'Totals per key prefix, at every level up to --depth'
            cand -q 'No progress bar on standard error (there is none anyway when it is not a terminal)'
            cand --quiet 'No progress bar on standard error (there is none anyway when it is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'redfile;gen'= {
            cand --seed 'Seed of the generator'
            cand --keys 'About how many keys each dataset holds'
            cand --out 'Directory to write (created; must be empty unless --force)'
            cand --force 'Replace the contents of a non-empty output directory'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'redfile;convert'= {
            cand --to 'The output format'
            cand --rdb-version 'RDB version to write, 9 to 14 (default: the input''s when redfile writes it, else the one --redis-version writes, else the lowest that holds the data: 9, or 10 for a directory, raised by hash field TTLs to 12, functions to 10, stream producer state to 13, arrays and NACK zones to 14)'
            cand --redis-version 'Write the AOF commands of this Redis version (e.g. 7.0; default: the release that writes the RDB version)'
            cand --lossy 'Give up data the target cannot express instead of refusing (repeatable)'
            cand --base 'For multipart: the BASE format'
            cand --aof-name 'For multipart: appendfilename, the prefix of the file names'
            cand --force 'Replace OUT if it exists'
            cand -q 'No progress bar on standard error (there is none anyway when it is not a terminal)'
            cand --quiet 'No progress bar on standard error (there is none anyway when it is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'redfile;merge'= {
            cand -o 'The output file (the directory itself for multipart)'
            cand --output 'The output file (the directory itself for multipart)'
            cand --to 'The output format'
            cand --aof-name 'For multipart: appendfilename, the prefix of the file names'
            cand --rdb-version 'For rdb: the RDB version (default: the base''s)'
            cand --lossy 'For rdb: give up data the version cannot express (repeatable)'
            cand --force 'Write even when part of the tail cannot be applied'
            cand --overwrite 'Replace OUT if it exists'
            cand -q 'No progress bar on standard error (there is none anyway when it is not a terminal)'
            cand --quiet 'No progress bar on standard error (there is none anyway when it is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'redfile;rewrite'= {
            cand --base 'The new base''s format'
            cand --rdb-version 'RDB version to write, 9 to 14 (default: the input''s when redfile writes it, else the one --redis-version writes, else the lowest that holds the data: 9, or 10 for a directory, raised by hash field TTLs to 12, functions to 10, stream producer state to 13, arrays and NACK zones to 14)'
            cand --redis-version 'Write the AOF commands of this Redis version (e.g. 7.0; default: the release that writes the RDB version)'
            cand --lossy 'Give up data the target cannot express instead of refusing (repeatable)'
            cand --no-backup 'Do not keep the previous file(s)'
            cand -q 'No progress bar on standard error (there is none anyway when it is not a terminal)'
            cand --quiet 'No progress bar on standard error (there is none anyway when it is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'redfile;check-aof'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'redfile;check-rdb'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'redfile;diff'= {
            cand --ttl-tolerance 'TTLs (of keys and hash fields) at most this many milliseconds apart are equal'
            cand --json 'Print one JSON document instead of the report'
            cand -q 'No progress bar on standard error (there is none anyway when it is not a terminal)'
            cand --quiet 'No progress bar on standard error (there is none anyway when it is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'redfile;compat'= {
            cand --target 'The server to check against (e.g. redis-7.0, valkey-9.0)'
            cand --json 'Print one JSON document: {"file", "kind", "rdb": {...} or null, "targets": [{"target", "loadable", "blockers": [...], "fix"}]}'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'redfile;split'= {
            cand --slots 'Slot ranges per shard: `0-5460,5461-10922,10923-16383`'
            cand --nodes 'A cluster''s nodes.conf: one shard per master serving slots'
            cand -o 'Output directory (created if missing)'
            cand --out-dir 'Output directory (created if missing)'
            cand --format 'Output format'
            cand --rdb-version 'RDB version of the outputs (9 to 14; default: the input''s, else 11)'
            cand --db 'Split this database (written as db 0) and ignore the others'
            cand --json 'Print the shards as one JSON document'
            cand -q 'No progress bar on standard error (there is none anyway when it is not a terminal)'
            cand --quiet 'No progress bar on standard error (there is none anyway when it is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'redfile;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'redfile;man'= {
            cand --out-dir 'Write `redfile.1` and `redfile-<subcommand>.1` files here'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'redfile;help'= {
            cand check 'Verify RDB and AOF files (single, preamble, multi-part): structure, checksums and (with --deep) every encoding'
            cand fix 'Repair an AOF: cut an incomplete tail, or salvage around damage'
            cand info 'Summarize an RDB file: version, aux fields, keys per db, type and encoding'
            cand digest 'Compute the DEBUG DIGEST of an RDB file, as a server that loaded it reports it'
            cand dump 'Print every key with its type, encoding, expiry and value (JSON, JSON Lines, CSV, RESP or redis-cli commands)'
            cand keys 'Print the key names, one per line'
            cand log 'List the commands of an AOF as JSON Lines (file, offset, db, time, arguments), select what touched a key, or sum them up (--stats)'
            cand decode 'Decode a DUMP payload (raw, hex or redis-cli''s escaped form): check its version and CRC, print its value'
            cand memory 'Estimate each key''s memory in Redis 7.0 (rdbtools'' memory CSV), the biggest keys, or totals per prefix (table, CSV, flame graph)'
            cand gen 'Write a deterministic fixture set (RDB per version, AOFs, damaged copies) from a seeded dataset'
            cand convert 'Convert any input to an RDB, AOF, hybrid AOF or multi-part AOF directory, for a chosen RDB version and Redis release'
            cand merge 'Merge an RDB base and an AOF tail into a hybrid AOF, a multi-part directory or a compacted RDB, after checking the tail applies'
            cand rewrite 'Rewrite an AOF offline (BGREWRITEAOF): one compact base, a fresh manifest for a multi-part directory'
            cand check-aof 'Drop-in replacement for redis-check-aof (same arguments, output, exit codes)'
            cand check-rdb 'Drop-in replacement for redis-check-rdb (same arguments, output, exit codes)'
            cand diff 'Compare two datasets (RDB, AOF, multi-part, in any mix) key by key'
            cand compat 'Tell whether a server version (redis-7.0, valkey-9.0 ...) can load a file, and what blocks it'
            cand split 'Split a dataset into per-shard files by Redis Cluster hash slot'
            cand completions 'Print shell completions'
            cand man 'Print or write man pages'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'redfile;help;check'= {
        }
        &'redfile;help;fix'= {
        }
        &'redfile;help;info'= {
        }
        &'redfile;help;digest'= {
        }
        &'redfile;help;dump'= {
        }
        &'redfile;help;keys'= {
        }
        &'redfile;help;log'= {
        }
        &'redfile;help;decode'= {
        }
        &'redfile;help;memory'= {
        }
        &'redfile;help;gen'= {
        }
        &'redfile;help;convert'= {
        }
        &'redfile;help;merge'= {
        }
        &'redfile;help;rewrite'= {
        }
        &'redfile;help;check-aof'= {
        }
        &'redfile;help;check-rdb'= {
        }
        &'redfile;help;diff'= {
        }
        &'redfile;help;compat'= {
        }
        &'redfile;help;split'= {
        }
        &'redfile;help;completions'= {
        }
        &'redfile;help;man'= {
        }
        &'redfile;help;help'= {
        }
    ]
    $completions[$command]
}
