FUNCTION LOAD "#!lua name=genlib\nredis.register_function('gen_echo', function(keys, args) return args[1] end)"
SELECT 0
SET str:0 "cache session order token "
SET int:1 -263391690
SET blob:2 "\x96a\xfe\xc0\x8a\xa8;c\xf1\xee\bF\x9c\xcd\xac\x9f\xf75\xab'\x8a\x84\xbam\x1c\x17\x0c\xf5\xc1\x18<\x86\ac\xb2\x818^\x96szt\xe5\xf8\x90\x8f\xaf\xaf\xccR"
RPUSH list:3 o "order ses" value "bravo order " brav redi "order st"
PEXPIREAT list:3 4133745209173
SADD intset:4 -4050610535322267224 -22068766077550782 -42839025798627 -525503841428 -145064157144 -39593557328 -6020086008 -1731133629 -48280067 -5620251 -1510 -645 -128 -6 0 793 3784 1819003 203363341003 1650629004301 7436823406897 99625305598656 1780828299305557782 8741902199644856578
SADD set:5 m0:456 m1:325 m2:454 m3:992 m4:392 m5:637
HMSET hash:7 field:0 "value ord" field:1 "redis event order " field:2 "session user session" field:3 cache field:4 al field:5 ev field:6 "stream queue eve" field:7 "bravo sess" field:8 "stream queue order" field:9 "order ca" field:10 "token queue user val" field:11 "token q" field:12 "queue order t" field:13 user field:14 "token cache o" field:15 "bravo bravo u"
HMSET hash:8 field:0 "cache session alpha " field:1 cac field:2 "event stream sessi" field:3 qu field:4 "token order cache q" field:5 "stream alpha va" field:6 valu field:7 "stream " field:8 "token order alph" field:9 "alpha queue " field:10 "stream user" field:11 "bravo user t" field:12 "redis qu" field:13 "token " field:14 "queue value valu" field:15 "alpha session redis "
XADD stream:9 1700000796528-0 kind a n 0
XADD stream:9 1700000796528-1 other sessio
XADD stream:9 1700000796528-2 other "queue "
XADD stream:9 1700000796529-0 kind a n 3
XADD stream:9 1700000796529-1 other "cache "
XSETID stream:9 1700000796529-1 ENTRIESADDED 5 MAXDELETEDID 0-0
SET counter:10 54921
SET session:11 "user event stream bravo"
PEXPIREAT session:11 4126599858240
SET str:12 "cache value redis o"
SET blob:14 "`t\x1a\xe3\ro\xfb\xe7\x1d\x14\xd6\"\xea\xee@\x1em\xea\x89\x861\x12\x19\x04\x82\xe8\xd1\x96\xbf\xe1\x0fg2\x99\xc6;\x88\x8f\xa4\xe1eI\xeeef\xc7\xb6\r\x1c\x1ca;h-5n\xdfK\xec\xa6\xf8\x1f\x05v"
RPUSH list:15 "token token " "bravo o" "alpha ca" use "event sessio" "order even" ca "value alpha" "alpha bra" q "user user s" "order eve" "event stre" "stream red" toke eve c "event orde" or
SADD intset:16 -7518726626183236 -194456118839461 -81102076219838 -49165393872 -236398259 -12025606 -475672 -114712 -51523 -14573 -52 -2 138 758 28279 198960876 430851413 48007480975 486243215520782 3688386410460734 497161172558620018 557905963994645798
SADD set:17 m0:71 m10:446 m11:621 m12:911 m13:747 m14:621 m15:305 m16:989 m17:648 m1:156 m2:987 m3:382 m4:738 m5:455 m6:891 m7:6 m8:904 m9:629
ZADD zset:18 -inf member:0 -inf member:10 -inf member:12 -inf member:3 -inf member:6 -15567.375 member:11 -6797.203125 member:4 -6527.640625 member:13 28 member:1 764.0625 member:14 9193.78125 member:5 10018.21875 member:7 15369.796875 member:9 inf member:2 inf member:8
HMSET hash:19 field:0 "alpha ses" field:1 "queue tok" field:2 "" field:3 "cache bravo ord" field:4 "token order bravo" field:5 "session q" field:6 "queue session ord" field:7 "session order st" field:8 queue field:9 "cache redis user " field:10 "bravo ord" field:11 "order user queue q" field:12 "redis ca" field:13 "event queue or" field:14 "user cache " field:15 "order user stream "
XADD stream:21 1700000574531-0 kind a n 0
XADD stream:21 1700000574532-0 other "redis "
XADD stream:21 1700000574532-1 other "queue "
XADD stream:21 1700000574534-0 kind a n 3
XADD stream:21 1700000574534-1 other "event "
XADD stream:21 1700000574537-0 other sessio
XSETID stream:21 1700000574537-0 ENTRIESADDED 6 MAXDELETEDID 0-0
SET counter:22 51328
SET session:23 "token stream order even"
PEXPIREAT session:23 4111785911603
SET str:24 "bravo stream v"
SET int:25 1942930
SET blob:26 "\xe97\x12t\rn\x1b\xdd\xb6\xed7\x7f\xcf\x0e\xb86r\x05\x03\xec\x16\x0fW6\xc8i\xb26,\xfb"
SADD intset:28 -7341156485612042 -19752822519194 -984178945094 -36565581 -29655740 -4265477 -14704 -1058 -4 0 15 94 1868 8919 200119 4670365 30981367 225935696 154893995172883 10274816803749513 27946358181616464 3463711459467185321
SADD set:29 m0:742 m1:761 m2:957
ZADD zset:30 -inf member:16 -inf member:4 -13853.59375 member:13 -13850.78125 member:1 -12164.484375 member:7 -8333.703125 member:17 -280.765625 member:3 16 member:15 327 member:9 404 member:10 652 member:0 2790.984375 member:12 4216.921875 member:2 4679.578125 member:8 8712.265625 member:11 12023.59375 member:18 12361.84375 member:6 15216.828125 member:5 inf member:14
HMSET hash:31 field:0 "" field:1 "session ev" field:2 "bravo user event al" field:3 "" field:4 "session user se" field:5 "queue " field:6 "stream strea" field:7 cache field:8 v field:9 or field:10 "token use"
HMSET hash:32 field:0 "stream value qu" field:1 "token value br" field:2 br field:3 "cache valu"
XADD stream:33 1700000882389-0 kind a n 0
XADD stream:33 1700000882390-0 other "queue "
XADD stream:33 1700000882391-0 other "queue "
XADD stream:33 1700000882392-0 kind a n 3
XADD stream:33 1700000882392-1 other "user o"
XADD stream:33 1700000882393-0 other "event "
XADD stream:33 1700000882395-0 kind a n 6
XADD stream:33 1700000882395-1 other "bravo "
XADD stream:33 1700000882398-0 other "bravo "
XADD stream:33 1700000882398-1 kind a n 9
XADD stream:33 1700000882398-2 other "bravo "
XSETID stream:33 1700000882398-2 ENTRIESADDED 11 MAXDELETEDID 0-0
XGROUP CREATE stream:33 workers 1700000882390-0 ENTRIESREAD 2
XCLAIM stream:33 workers alice 0 1700000882389-0 TIME 1700000000000 RETRYCOUNT 1 JUSTID FORCE
XCLAIM stream:33 workers alice 0 1700000882390-0 TIME 1700000000000 RETRYCOUNT 1 JUSTID FORCE
XGROUP CREATECONSUMER stream:33 workers bob
PEXPIREAT stream:33 4113834735913
SET session:35 "value user stream str"
PEXPIREAT session:35 4107317057315
SET str:36 "stream value stre"
SET int:37 546315789355886
SET blob:38 "\xd1+\xd7\x90p\xa4\x8c\xad\xd5\xb9\xe8x\xb7\xda\r\xf2\x96t\xef\x1c\xfd\x1b`e\xbfkFQ\xea\xf8\x96\xb3\xb0;"
RPUSH list:39 "cache " session val orde c "event red" ord e "event se" "redis token" "queue us" "queue s" even
SADD intset:40 -395213789662810 -316304315610530 -13245522464 139433 82732945 40651241157 243824709227820945
ZADD zset:42 -inf member:1 -13929.078125 member:10 -13857.984375 member:14 -12866.71875 member:7 -9250.71875 member:3 -449.34375 member:15 483.75 member:8 685 member:5 833 member:9 2430.59375 member:6 5728.578125 member:13 7923.671875 member:12 11907.28125 member:2 12003.9375 member:16 13049.3125 member:4 13730.625 member:0 inf member:11
HMSET hash:43 field:0 "queue event q" field:1 "alpha token stre" field:2 "event bravo e" field:3 us
PEXPIREAT hash:43 4129266881589
HMSET hash:44 field:0 "queue cache orde"
XADD stream:45 1700000915182-0 kind a n 0
XADD stream:45 1700000915185-0 other "event "
XADD stream:45 1700000915187-0 other "order "
XADD stream:45 1700000915190-0 kind a n 3
XADD stream:45 1700000915192-0 other "value "
XADD stream:45 1700000915194-0 other "order "
XADD stream:45 1700000915196-0 kind a n 6
XADD stream:45 1700000915198-0 other "cache "
XADD stream:45 1700000915198-1 other "order "
XSETID stream:45 1700000915198-1 ENTRIESADDED 9 MAXDELETEDID 0-0
SET counter:46 5200
SET session:47 "stream o"
PEXPIREAT session:47 4121246698315
SET int:49 -789
SET blob:50 "\xa1\\iy\xf0\xfb\r\xdei\xd3\xba\xa9\x1a\xbf\xb1\x8f\xbc\xee\xdf\xa5$\xecI\xb3\xe06"
RPUSH list:51 q str se "bravo brav" o queue "queue redis" "order c" ord "session use" session "session c" "event alpha " "event se" orde
SADD intset:52 -1211 5 161 1096699 4368562547 5612467681 78421522540196
SADD set:53 m0:649 m1:232 m2:817 m3:175 m4:120 m5:765 m6:838
PEXPIREAT set:53 4105451500881
ZADD zset:54 -inf member:7 -11915.828125 member:10 -11411.296875 member:11 -10039.078125 member:4 -5844.984375 member:0 -3886.515625 member:1 138 member:12 306.15625 member:3 713 member:9 5414.484375 member:2 8844.9375 member:8 10608.46875 member:5 12551.671875 member:6
HMSET hash:56 field:0 "event event redis al" field:1 "alpha r" field:2 br field:3 "order alpha stream o" field:4 "session token"
XADD stream:57 1700000027407-0 kind a n 0
XADD stream:57 1700000027409-0 other stream
XSETID stream:57 1700000027409-0 ENTRIESADDED 2 MAXDELETEDID 0-0
XGROUP CREATE stream:57 workers 1700000027409-0 ENTRIESREAD 2
XCLAIM stream:57 workers alice 0 1700000027407-0 TIME 1700000000000 RETRYCOUNT 1 JUSTID FORCE
XCLAIM stream:57 workers alice 0 1700000027409-0 TIME 1700000000000 RETRYCOUNT 1 JUSTID FORCE
XGROUP CREATECONSUMER stream:57 workers bob
SET counter:58 13118
SET session:59 "token queue"
PEXPIREAT session:59 4122365853992
SELECT 1
ZADD zset:6 -inf member:16 -12959.765625 member:13 -8430.3125 member:8 -6774.234375 member:7 -6629.671875 member:3 -5883.203125 member:2 -1042.015625 member:5 120.84375 member:18 403 member:0 716 member:11 3892.609375 member:14 5127.796875 member:15 7151.5625 member:4 7610.890625 member:17 9738.640625 member:10 10240.34375 member:9 10507.34375 member:6 11986.78125 member:1 14788 member:12
HMSET hash:20 field:0 "order " field:1 "order u" field:2 "user order sessi" field:3 event field:4 "cache q" field:5 stre
SET counter:34 97347
SET str:48 "stream cache token user to"
SELECT 5
SET int:13 -205426167403509371
PEXPIREAT int:13 4116463301366
RPUSH list:27 queue to "redis e" token bravo tok
SADD set:41 m0:81 m1:883 m2:148 m3:32 m4:474 m5:410 m6:884 m7:747 m8:169
HMSET hash:55 field:0 str field:1 alp
