
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'redfile' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'redfile'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'redfile' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Verify RDB and AOF files (single, preamble, multi-part): structure, checksums and (with --deep) every encoding')
            [CompletionResult]::new('fix', 'fix', [CompletionResultType]::ParameterValue, 'Repair an AOF: cut an incomplete tail, or salvage around damage')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Summarize an RDB file: version, aux fields, keys per db, type and encoding')
            [CompletionResult]::new('digest', 'digest', [CompletionResultType]::ParameterValue, 'Compute the DEBUG DIGEST of an RDB file, as a server that loaded it reports it')
            [CompletionResult]::new('dump', 'dump', [CompletionResultType]::ParameterValue, 'Print every key with its type, encoding, expiry and value (JSON, JSON Lines, CSV, RESP or redis-cli commands)')
            [CompletionResult]::new('keys', 'keys', [CompletionResultType]::ParameterValue, 'Print the key names, one per line')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'List the commands of an AOF as JSON Lines (file, offset, db, time, arguments), select what touched a key, or sum them up (--stats)')
            [CompletionResult]::new('decode', 'decode', [CompletionResultType]::ParameterValue, 'Decode a DUMP payload (raw, hex or redis-cli''s escaped form): check its version and CRC, print its value')
            [CompletionResult]::new('memory', 'memory', [CompletionResultType]::ParameterValue, 'Estimate each key''s memory in Redis 7.0 (rdbtools'' memory CSV), the biggest keys, or totals per prefix (table, CSV, flame graph)')
            [CompletionResult]::new('gen', 'gen', [CompletionResultType]::ParameterValue, 'Write a deterministic fixture set (RDB per version, AOFs, damaged copies) from a seeded dataset')
            [CompletionResult]::new('convert', 'convert', [CompletionResultType]::ParameterValue, 'Convert any input to an RDB, AOF, hybrid AOF or multi-part AOF directory, for a chosen RDB version and Redis release')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Merge an RDB base and an AOF tail into a hybrid AOF, a multi-part directory or a compacted RDB, after checking the tail applies')
            [CompletionResult]::new('rewrite', 'rewrite', [CompletionResultType]::ParameterValue, 'Rewrite an AOF offline (BGREWRITEAOF): one compact base, a fresh manifest for a multi-part directory')
            [CompletionResult]::new('check-aof', 'check-aof', [CompletionResultType]::ParameterValue, 'Drop-in replacement for redis-check-aof (same arguments, output, exit codes)')
            [CompletionResult]::new('check-rdb', 'check-rdb', [CompletionResultType]::ParameterValue, 'Drop-in replacement for redis-check-rdb (same arguments, output, exit codes)')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare two datasets (RDB, AOF, multi-part, in any mix) key by key')
            [CompletionResult]::new('compat', 'compat', [CompletionResultType]::ParameterValue, 'Tell whether a server version (redis-7.0, valkey-9.0 ...) can load a file, and what blocks it')
            [CompletionResult]::new('split', 'split', [CompletionResultType]::ParameterValue, 'Split a dataset into per-shard files by Redis Cluster hash slot')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print or write man pages')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'redfile;check' {
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, '"Now" for counting already expired keys, as Unix seconds (default: the current time)')
            [CompletionResult]::new('--max-findings', '--max-findings', [CompletionResultType]::ParameterName, 'Keep at most this many findings per file (the rest are counted)')
            [CompletionResult]::new('--deep', '--deep', [CompletionResultType]::ParameterName, 'Also validate every internal encoding entry by entry')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON document instead of text')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'redfile;fix' {
            [CompletionResult]::new('--backup', '--backup', [CompletionResultType]::ParameterName, 'Keep the backup here instead of <file>.bak')
            [CompletionResult]::new('--truncate-to-timestamp', '--truncate-to-timestamp', [CompletionResultType]::ParameterName, 'Cut at the first `#TS:` annotation later than this Unix time')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be cut; change nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when standard input is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when standard input is not a terminal)')
            [CompletionResult]::new('--no-backup', '--no-backup', [CompletionResultType]::ParameterName, 'Do not keep a backup of the original')
            [CompletionResult]::new('--salvage', '--salvage', [CompletionResultType]::ParameterName, 'Skip damage in the middle, keeping every well-formed command after it')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON document instead of text')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'redfile;info' {
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, '"Now" for counting already expired keys, as Unix seconds (default: the current time)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of tables')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'redfile;digest' {
            [CompletionResult]::new('--redis-version', '--redis-version', [CompletionResultType]::ParameterName, 'Use the digest rules of this Redis version (e.g. 7.0.15)')
            [CompletionResult]::new('--per-key', '--per-key', [CompletionResultType]::ParameterName, 'Also print every key''s DEBUG DIGEST-VALUE (db, key, digest)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'redfile;dump' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--redis-version', '--redis-version', [CompletionResultType]::ParameterName, 'For resp and cmd: write commands for this Redis version (e.g. 7.0; default: the file''s redis-ver, else 7.4)')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Render on this many threads (default: one per core; 1: no extra thread). The output is the same, in file order')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Only this database (repeatable)')
            [CompletionResult]::new('--match', '--match', [CompletionResultType]::ParameterName, 'Only keys matching this Redis glob (`*`, `?`, `[a-z]`, `[^x]`, `\` escapes, as KEYS and SCAN MATCH)')
            [CompletionResult]::new('--regex', '--regex', [CompletionResultType]::ParameterName, 'Only keys matching this regular expression (Rust `regex` syntax, unanchored, over the key''s bytes)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only keys of this type (repeatable)')
            [CompletionResult]::new('--expired', '--expired', [CompletionResultType]::ParameterName, 'Keys already expired at "now": include, exclude, or only them')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, '"Now" for --expired, as Unix seconds (default: the file''s ctime aux field, else the current time)')
            [CompletionResult]::new('--min-size', '--min-size', [CompletionResultType]::ParameterName, 'Only values taking at least this many bytes in the file (their RDB encoding)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop after this many keys')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar on standard error (there is none anyway when it is not a terminal)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar on standard error (there is none anyway when it is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'redfile;keys' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Only this database (repeatable)')
            [CompletionResult]::new('--match', '--match', [CompletionResultType]::ParameterName, 'Only keys matching this Redis glob (`*`, `?`, `[a-z]`, `[^x]`, `\` escapes, as KEYS and SCAN MATCH)')
            [CompletionResult]::new('--regex', '--regex', [CompletionResultType]::ParameterName, 'Only keys matching this regular expression (Rust `regex` syntax, unanchored, over the key''s bytes)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only keys of this type (repeatable)')
            [CompletionResult]::new('--expired', '--expired', [CompletionResultType]::ParameterName, 'Keys already expired at "now": include, exclude, or only them')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, '"Now" for --expired, as Unix seconds (default: the file''s ctime aux field, else the current time)')
            [CompletionResult]::new('--min-size', '--min-size', [CompletionResultType]::ParameterName, 'Only values taking at least this many bytes in the file (their RDB encoding)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop after this many keys')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar on standard error (there is none anyway when it is not a terminal)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar on standard error (there is none anyway when it is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'redfile;log' {
            [CompletionResult]::new('--separator', '--separator', [CompletionResultType]::ParameterName, 'With --stats: what separates the parts of a key name')
            [CompletionResult]::new('--depth', '--depth', [CompletionResultType]::ParameterName, 'With --stats: how many prefix levels to count')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Only what touched this key (repeatable)')
            [CompletionResult]::new('--match', '--match', [CompletionResultType]::ParameterName, 'Only what touched a key matching this glob (Redis KEYS syntax; repeatable)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Only commands in this database (repeatable)')
            [CompletionResult]::new('--command', '--command', [CompletionResultType]::ParameterName, 'Only this command (case-insensitive; repeatable)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop after N commands')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print a summary instead of the commands: per command, per key prefix and per minute (from #TS annotations)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'With --stats: one JSON document instead of tables')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar on standard error (there is none anyway when it is not a terminal)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar on standard error (there is none anyway when it is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'redfile;decode' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read the payload from this file (default: standard input)')
            [CompletionResult]::new('--form', '--form', [CompletionResultType]::ParameterName, 'How the payload is written')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The key name used in the output')
            [CompletionResult]::new('--redis-version', '--redis-version', [CompletionResultType]::ParameterName, 'For resp and cmd: write commands for this Redis version (e.g. 7.0; default: the one the payload''s RDB version implies)')
            [CompletionResult]::new('--hex', '--hex', [CompletionResultType]::ParameterName, 'The payload is hex (same as --form hex)')
            [CompletionResult]::new('--no-check', '--no-check', [CompletionResultType]::ParameterName, 'Decode even when the version or the checksum is wrong')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'redfile;memory' {
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'Only the N biggest keys, largest first (a table unless --format csv)')
            [CompletionResult]::new('--separator', '--separator', [CompletionResultType]::ParameterName, 'Prefix separator for --by-prefix')
            [CompletionResult]::new('--depth', '--depth', [CompletionResultType]::ParameterName, 'Prefix levels for --by-prefix')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output of --top (table, csv) and --by-prefix (table, csv, svg)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Only this database (repeatable)')
            [CompletionResult]::new('--match', '--match', [CompletionResultType]::ParameterName, 'Only keys matching this Redis glob (`*`, `?`, `[a-z]`, `[^x]`, `\` escapes, as KEYS and SCAN MATCH)')
            [CompletionResult]::new('--regex', '--regex', [CompletionResultType]::ParameterName, 'Only keys matching this regular expression (Rust `regex` syntax, unanchored, over the key''s bytes)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only keys of this type (repeatable)')
            [CompletionResult]::new('--expired', '--expired', [CompletionResultType]::ParameterName, 'Keys already expired at "now": include, exclude, or only them')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, '"Now" for --expired, as Unix seconds (default: the file''s ctime aux field, else the current time)')
            [CompletionResult]::new('--min-size', '--min-size', [CompletionResultType]::ParameterName, 'Only values taking at least this many bytes in the file (their RDB encoding)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop after this many keys')
            [CompletionResult]::new('--by-prefix', '--by-prefix', [CompletionResultType]::ParameterName, 'Totals per key prefix, at every level up to --depth')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar on standard error (there is none anyway when it is not a terminal)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar on standard error (there is none anyway when it is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'redfile;gen' {
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed of the generator')
            [CompletionResult]::new('--keys', '--keys', [CompletionResultType]::ParameterName, 'About how many keys each dataset holds')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory to write (created; must be empty unless --force)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace the contents of a non-empty output directory')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'redfile;convert' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The output format')
            [CompletionResult]::new('--rdb-version', '--rdb-version', [CompletionResultType]::ParameterName, 'RDB version to write, 9 to 14 (default: the input''s when redfile writes it, else the one --redis-version writes, else the lowest that holds the data: 9, or 10 for a directory, raised by hash field TTLs to 12, functions to 10, stream producer state to 13, arrays and NACK zones to 14)')
            [CompletionResult]::new('--redis-version', '--redis-version', [CompletionResultType]::ParameterName, 'Write the AOF commands of this Redis version (e.g. 7.0; default: the release that writes the RDB version)')
            [CompletionResult]::new('--lossy', '--lossy', [CompletionResultType]::ParameterName, 'Give up data the target cannot express instead of refusing (repeatable)')
            [CompletionResult]::new('--base', '--base', [CompletionResultType]::ParameterName, 'For multipart: the BASE format')
            [CompletionResult]::new('--aof-name', '--aof-name', [CompletionResultType]::ParameterName, 'For multipart: appendfilename, the prefix of the file names')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace OUT if it exists')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar on standard error (there is none anyway when it is not a terminal)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar on standard error (there is none anyway when it is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'redfile;merge' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output file (the directory itself for multipart)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output file (the directory itself for multipart)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The output format')
            [CompletionResult]::new('--aof-name', '--aof-name', [CompletionResultType]::ParameterName, 'For multipart: appendfilename, the prefix of the file names')
            [CompletionResult]::new('--rdb-version', '--rdb-version', [CompletionResultType]::ParameterName, 'For rdb: the RDB version (default: the base''s)')
            [CompletionResult]::new('--lossy', '--lossy', [CompletionResultType]::ParameterName, 'For rdb: give up data the version cannot express (repeatable)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Write even when part of the tail cannot be applied')
            [CompletionResult]::new('--overwrite', '--overwrite', [CompletionResultType]::ParameterName, 'Replace OUT if it exists')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar on standard error (there is none anyway when it is not a terminal)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar on standard error (there is none anyway when it is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'redfile;rewrite' {
            [CompletionResult]::new('--base', '--base', [CompletionResultType]::ParameterName, 'The new base''s format')
            [CompletionResult]::new('--rdb-version', '--rdb-version', [CompletionResultType]::ParameterName, 'RDB version to write, 9 to 14 (default: the input''s when redfile writes it, else the one --redis-version writes, else the lowest that holds the data: 9, or 10 for a directory, raised by hash field TTLs to 12, functions to 10, stream producer state to 13, arrays and NACK zones to 14)')
            [CompletionResult]::new('--redis-version', '--redis-version', [CompletionResultType]::ParameterName, 'Write the AOF commands of this Redis version (e.g. 7.0; default: the release that writes the RDB version)')
            [CompletionResult]::new('--lossy', '--lossy', [CompletionResultType]::ParameterName, 'Give up data the target cannot express instead of refusing (repeatable)')
            [CompletionResult]::new('--no-backup', '--no-backup', [CompletionResultType]::ParameterName, 'Do not keep the previous file(s)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar on standard error (there is none anyway when it is not a terminal)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar on standard error (there is none anyway when it is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'redfile;check-aof' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'redfile;check-rdb' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'redfile;diff' {
            [CompletionResult]::new('--ttl-tolerance', '--ttl-tolerance', [CompletionResultType]::ParameterName, 'TTLs (of keys and hash fields) at most this many milliseconds apart are equal')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document instead of the report')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar on standard error (there is none anyway when it is not a terminal)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar on standard error (there is none anyway when it is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'redfile;compat' {
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'The server to check against (e.g. redis-7.0, valkey-9.0)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document: {"file", "kind", "rdb": {...} or null, "targets": [{"target", "loadable", "blockers": [...], "fix"}]}')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'redfile;split' {
            [CompletionResult]::new('--slots', '--slots', [CompletionResultType]::ParameterName, 'Slot ranges per shard: `0-5460,5461-10922,10923-16383`')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'A cluster''s nodes.conf: one shard per master serving slots')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output directory (created if missing)')
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Output directory (created if missing)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--rdb-version', '--rdb-version', [CompletionResultType]::ParameterName, 'RDB version of the outputs (9 to 14; default: the input''s, else 11)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Split this database (written as db 0) and ignore the others')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the shards as one JSON document')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar on standard error (there is none anyway when it is not a terminal)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar on standard error (there is none anyway when it is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'redfile;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'redfile;man' {
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Write `redfile.1` and `redfile-<subcommand>.1` files here')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'redfile;help' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Verify RDB and AOF files (single, preamble, multi-part): structure, checksums and (with --deep) every encoding')
            [CompletionResult]::new('fix', 'fix', [CompletionResultType]::ParameterValue, 'Repair an AOF: cut an incomplete tail, or salvage around damage')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Summarize an RDB file: version, aux fields, keys per db, type and encoding')
            [CompletionResult]::new('digest', 'digest', [CompletionResultType]::ParameterValue, 'Compute the DEBUG DIGEST of an RDB file, as a server that loaded it reports it')
            [CompletionResult]::new('dump', 'dump', [CompletionResultType]::ParameterValue, 'Print every key with its type, encoding, expiry and value (JSON, JSON Lines, CSV, RESP or redis-cli commands)')
            [CompletionResult]::new('keys', 'keys', [CompletionResultType]::ParameterValue, 'Print the key names, one per line')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'List the commands of an AOF as JSON Lines (file, offset, db, time, arguments), select what touched a key, or sum them up (--stats)')
            [CompletionResult]::new('decode', 'decode', [CompletionResultType]::ParameterValue, 'Decode a DUMP payload (raw, hex or redis-cli''s escaped form): check its version and CRC, print its value')
            [CompletionResult]::new('memory', 'memory', [CompletionResultType]::ParameterValue, 'Estimate each key''s memory in Redis 7.0 (rdbtools'' memory CSV), the biggest keys, or totals per prefix (table, CSV, flame graph)')
            [CompletionResult]::new('gen', 'gen', [CompletionResultType]::ParameterValue, 'Write a deterministic fixture set (RDB per version, AOFs, damaged copies) from a seeded dataset')
            [CompletionResult]::new('convert', 'convert', [CompletionResultType]::ParameterValue, 'Convert any input to an RDB, AOF, hybrid AOF or multi-part AOF directory, for a chosen RDB version and Redis release')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Merge an RDB base and an AOF tail into a hybrid AOF, a multi-part directory or a compacted RDB, after checking the tail applies')
            [CompletionResult]::new('rewrite', 'rewrite', [CompletionResultType]::ParameterValue, 'Rewrite an AOF offline (BGREWRITEAOF): one compact base, a fresh manifest for a multi-part directory')
            [CompletionResult]::new('check-aof', 'check-aof', [CompletionResultType]::ParameterValue, 'Drop-in replacement for redis-check-aof (same arguments, output, exit codes)')
            [CompletionResult]::new('check-rdb', 'check-rdb', [CompletionResultType]::ParameterValue, 'Drop-in replacement for redis-check-rdb (same arguments, output, exit codes)')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare two datasets (RDB, AOF, multi-part, in any mix) key by key')
            [CompletionResult]::new('compat', 'compat', [CompletionResultType]::ParameterValue, 'Tell whether a server version (redis-7.0, valkey-9.0 ...) can load a file, and what blocks it')
            [CompletionResult]::new('split', 'split', [CompletionResultType]::ParameterValue, 'Split a dataset into per-shard files by Redis Cluster hash slot')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print or write man pages')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'redfile;help;check' {
            break
        }
        'redfile;help;fix' {
            break
        }
        'redfile;help;info' {
            break
        }
        'redfile;help;digest' {
            break
        }
        'redfile;help;dump' {
            break
        }
        'redfile;help;keys' {
            break
        }
        'redfile;help;log' {
            break
        }
        'redfile;help;decode' {
            break
        }
        'redfile;help;memory' {
            break
        }
        'redfile;help;gen' {
            break
        }
        'redfile;help;convert' {
            break
        }
        'redfile;help;merge' {
            break
        }
        'redfile;help;rewrite' {
            break
        }
        'redfile;help;check-aof' {
            break
        }
        'redfile;help;check-rdb' {
            break
        }
        'redfile;help;diff' {
            break
        }
        'redfile;help;compat' {
            break
        }
        'redfile;help;split' {
            break
        }
        'redfile;help;completions' {
            break
        }
        'redfile;help;man' {
            break
        }
        'redfile;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
