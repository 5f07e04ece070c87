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
HMSET hash:8 field:4 "alpha v"
HPEXPIREAT hash:8 4102448331169 FIELDS 1 field:4
HMSET hash:8 field:14 "event queue se"
HPEXPIREAT hash:8 4102478262238 FIELDS 1 field:14
HMSET hash:8 field:10 toke
HPEXPIREAT hash:8 4102481172309 FIELDS 1 field:10
HMSET hash:8 field:6 "redis cach"
HPEXPIREAT hash:8 4102485490425 FIELDS 1 field:6
HMSET hash:8 field:2 "session event queue"
HPEXPIREAT hash:8 4102489885495 FIELDS 1 field:2
HMSET hash:8 field:0 "cache session alpha "
HPEXPIREAT hash:8 4102512705984 FIELDS 1 field:0
HMSET hash:8 field:8 "order stream u"
HPEXPIREAT hash:8 4102520058666 FIELDS 1 field:8
HMSET hash:8 field:12 "value value redi"
HPEXPIREAT hash:8 4102525850208 FIELDS 1 field:12
HMSET hash:8 field:1 "session event"
HMSET hash:8 field:3 "order cache queue "
HMSET hash:8 field:5 bra
HMSET hash:8 field:7 "alpha session alpha "
HMSET hash:8 field:9 "user token user "
HMSET hash:8 field:11 brav
HMSET hash:8 field:13 ""
HMSET hash:8 field:15 "session alpha qu"
XADD stream:9 1700000274649-0 kind a n 0
XADD stream:9 1700000274652-0 other "bravo "
XADD stream:9 1700000274653-0 other "event "
XADD stream:9 1700000274653-1 kind a n 3
XADD stream:9 1700000274655-0 other "bravo "
XADD stream:9 1700000274657-0 other "cache "
XADD stream:9 1700000274659-0 kind a n 6
XADD stream:9 1700000274662-0 other "user v"
XADD stream:9 1700000274664-0 other "alpha "
XADD stream:9 1700000274664-1 kind a n 9
XADD stream:9 1700000274666-0 other "cache "
XADD stream:9 1700000274669-0 other "value "
XSETID stream:9 1700000274669-0 ENTRIESADDED 12 MAXDELETEDID 0-0
SET counter:10 30964
SET session:11 "session stre"
PEXPIREAT session:11 4133872383726
SET str:12 "stream user redis"
SET blob:14 "\x19\x04\x82\xe8\xd1\x96\xbf\xe1\x0fg2\x99\xc6;\x88\x8f\xa4\xe1eI\xeeef\xc7\xb6\r\x1c\x1ca;h-5n"
RPUSH list:15 "alpha se" "order use" "redis o" "token queu" "bravo o" "alpha ca" use "event sessio" "order even" ca "value alpha" "alpha bra" q "user user s" "order eve" "event stre" "stream red" toke eve c
SADD intset:16 -12826871807460428 -126985821896695 -7292532402309 -30682950930 -9571577 -6112 -671 -414 -135 -6 34 107 501 982 2857 31066 7550464 101457405 190381934 212436166155 8320623925618 68139709470104 239919040837286 427899296468372 1353849742231169 4042443660645484 50132789086987731 346702595628993508
SADD set:17 m0:6 m10:648 m11:714 m1:904 m2:629 m3:446 m4:621 m5:911 m6:747 m7:621 m8:305 m9:989
ZADD zset:18 28 member:0 inf member:1
HMSET hash:19 field:0 order field:1 sessi field:2 "stream session alpha" field:3 val
XADD stream:21 1700000622428-0 kind a n 0
XADD stream:21 1700000622429-0 other "order "
XADD stream:21 1700000622430-0 other "order "
XADD stream:21 1700000622431-0 kind a n 3
XADD stream:21 1700000622433-0 other "queue "
XADD stream:21 1700000622433-1 other sessio
XADD stream:21 1700000622436-0 kind a n 6
XSETID stream:21 1700000622436-0 ENTRIESADDED 7 MAXDELETEDID 0-0
XGROUP CREATE stream:21 workers 1700000622429-0 ENTRIESREAD 2
XCLAIM stream:21 workers alice 0 1700000622428-0 TIME 1700000000000 RETRYCOUNT 1 JUSTID FORCE
XCLAIM stream:21 workers alice 0 1700000622429-0 TIME 1700000000000 RETRYCOUNT 1 JUSTID FORCE
XGROUP CREATECONSUMER stream:21 workers bob
SET counter:22 60442
SET session:23 "stream user "
PEXPIREAT session:23 4115500885178
SET str:24 "redis user session token bravo o"
SET int:25 215160386
SET blob:26 "\x04@"
SADD intset:28 -322197005271891 -10414543156389 -308665002276 -68417289 -608305 -56813 37 30358 30826 787237 57911358 153179766985 19881790605303 2996083770831655 39529557325275584
SADD set:29 m0:174 m10:587 m11:108 m12:758 m13:7 m14:303 m15:14 m16:512 m17:73 m1:109 m2:703 m3:935 m4:159 m5:446 m6:200 m7:766 m8:306 m9:413
ZADD zset:30 -8885.3125 member:2 -6745.03125 member:4 75 member:1 337 member:6 4617.8125 member:5 13455.703125 member:3 inf member:0
HMSET hash:31 field:0 "redis t" field:1 "user order alph" field:2 session field:3 "event redis stream " field:4 "value session alp" field:5 user field:6 "order va" field:7 "user e" field:8 "event token or"
HMSET hash:32 field:10 "cache queue stre"
HPEXPIREAT hash:32 4102445807940 FIELDS 1 field:10
HMSET hash:32 field:0 "stream value order"
HPEXPIREAT hash:32 4102464359926 FIELDS 1 field:0
HMSET hash:32 field:4 "stream sess"
HPEXPIREAT hash:32 4102474516652 FIELDS 1 field:4
HMSET hash:32 field:8 "order even"
HPEXPIREAT hash:32 4102492381404 FIELDS 1 field:8
HMSET hash:32 field:14 "session ev"
HPEXPIREAT hash:32 4102494871654 FIELDS 1 field:14
HMSET hash:32 field:2 "bravo token redis "
HPEXPIREAT hash:32 4102495859968 FIELDS 1 field:2
HMSET hash:32 field:12 "token red"
HPEXPIREAT hash:32 4102505909418 FIELDS 1 field:12
HMSET hash:32 field:6 "cache bravo user tok"
HPEXPIREAT hash:32 4102523447338 FIELDS 1 field:6
HMSET hash:32 field:1 "cache order queue "
HMSET hash:32 field:3 "stream session user"
HMSET hash:32 field:5 "stream token cach"
HMSET hash:32 field:7 "order token value to"
HMSET hash:32 field:9 to
HMSET hash:32 field:11 "event token cac"
HMSET hash:32 field:13 ""
XADD stream:33 1700000404505-0 kind a n 0
XADD stream:33 1700000404505-1 other "value "
XSETID stream:33 1700000404505-1 ENTRIESADDED 2 MAXDELETEDID 0-0
XGROUP CREATE stream:33 workers 1700000404505-1 ENTRIESREAD 2
XCLAIM stream:33 workers alice 0 1700000404505-0 TIME 1700000000000 RETRYCOUNT 1 JUSTID FORCE
XCLAIM stream:33 workers alice 0 1700000404505-1 TIME 1700000000000 RETRYCOUNT 1 JUSTID FORCE
XGROUP CREATECONSUMER stream:33 workers bob
PEXPIREAT stream:33 4105352825417
SET session:35 "queue cache value stre"
PEXPIREAT session:35 4123571822122
SET str:36 "cache cache val"
SET int:37 -2105016209485120
SET blob:38 "Y=C\xf4b\x0bD$\x05o\x95*1\xefk\x1b\xa2\x95\xe8\xed\xc0\x11\x8d\xa0\x10\x95\x90\x99\x87\xc9\x1cn\x92\xc8\xc5\xd3\x9f\x95\xbd\x04\x1c1"
RPUSH list:39 "bravo ord" "value u" "stream orde" "stream va"
SADD intset:40 -281718646542029711 -2870196922424 -486799482126 -260042000742 -1624570 -19263 1 2 727 63599 1655197 4504328 280823830 426035336 35736074066 3847801010696919 33890834680353631
ZADD zset:42 -inf member:3 -inf member:5 -9665.1875 member:4 -8892.71875 member:1 -8458.6875 member:6 4633.9375 member:8 10231.0625 member:0 inf member:2 inf member:7
HMSET hash:43 field:0 "bravo " field:1 "token al" field:2 "order cache ev" field:3 "user bra" field:4 "queue "
PEXPIREAT hash:43 4113111810883
HMSET hash:44 field:4 "value stream bravo a"
HPEXPIREAT hash:44 4102461881862 FIELDS 1 field:4
HMSET hash:44 field:2 alp
HPEXPIREAT hash:44 4102498878760 FIELDS 1 field:2
HMSET hash:44 field:0 "redis redis alp"
HPEXPIREAT hash:44 4102520697747 FIELDS 1 field:0
HMSET hash:44 field:1 ""
HMSET hash:44 field:3 eve
XADD stream:45 1700000757456-0 kind a n 0
XADD stream:45 1700000757456-1 other stream
XADD stream:45 1700000757458-0 other "alpha "
XADD stream:45 1700000757459-0 kind a n 3
XADD stream:45 1700000757460-0 other "value "
XADD stream:45 1700000757462-0 other "value "
XSETID stream:45 1700000757462-0 ENTRIESADDED 6 MAXDELETEDID 0-0
SET counter:46 38104
SET session:47 "queue stream t"
PEXPIREAT session:47 4111365568252
SET int:49 24234724075682
SET blob:50 "\t\x00\x00\x9d5\x10\xea\xb4'\x13\x0c\xecn\xa3\xdc\xc9\x86\xe7\x04\xf7Z\xb7\xae\x9e?\xce.v"
RPUSH list:51 alp "cache value " "stream o" "user str" "token us" "value user" "token alpha " ev "token st" "value " "redis valu" "value even"
SADD intset:52 -2158910787896461468 -1603074173027327 -5598492130660 -47636708691 -29930829995 -962778 -69 7 95 1434313531712 3273026682948314
SADD set:53 m0:196 m1:390 m2:202 m3:707 m4:107 m5:474 m6:147
PEXPIREAT set:53 4122392565958
ZADD zset:54 -inf member:5 -11942.421875 member:11 -11718.234375 member:18 -10150.734375 member:4 -4698.25 member:3 -3498.953125 member:2 -2287.09375 member:17 -1740.203125 member:8 -1284.5625 member:16 892 member:14 2868.28125 member:0 4962.015625 member:13 7280.46875 member:9 13007.1875 member:1 inf member:10 inf member:12 inf member:15 inf member:6 inf member:7
HMSET hash:56 field:6 "token order value "
HPEXPIREAT hash:56 4102463021293 FIELDS 1 field:6
HMSET hash:56 field:2 "order queue cache a"
HPEXPIREAT hash:56 4102475819594 FIELDS 1 field:2
HMSET hash:56 field:8 str
HPEXPIREAT hash:56 4102475911518 FIELDS 1 field:8
HMSET hash:56 field:0 tok
HPEXPIREAT hash:56 4102500964572 FIELDS 1 field:0
HMSET hash:56 field:12 br
HPEXPIREAT hash:56 4102508355110 FIELDS 1 field:12
HMSET hash:56 field:10 re
HPEXPIREAT hash:56 4102517441616 FIELDS 1 field:10
HMSET hash:56 field:4 stream
HPEXPIREAT hash:56 4102528695129 FIELDS 1 field:4
HMSET hash:56 field:1 t
HMSET hash:56 field:3 val
HMSET hash:56 field:5 "value cache al"
HMSET hash:56 field:7 "stream to"
HMSET hash:56 field:9 "event event eve"
HMSET hash:56 field:11 "alpha r"
HMSET hash:56 field:13 "alpha stream order c"
XADD stream:57 1700000689866-0 kind a n 0
XADD stream:57 1700000689866-1 other "order "
XADD stream:57 1700000689868-0 other sessio
XADD stream:57 1700000689870-0 kind a n 3
XADD stream:57 1700000689871-0 other "token "
XADD stream:57 1700000689871-1 other "bravo "
XADD stream:57 1700000689874-0 kind a n 6
XSETID stream:57 1700000689874-0 ENTRIESADDED 7 MAXDELETEDID 0-0
SET counter:58 17300
SET session:59 "redis bravo event ev"
PEXPIREAT session:59 4102733361117
SELECT 1
ZADD zset:6 -inf member:16 -12959.765625 member:13 -8430.3125 member:8 -6774.234375 member:7 -6629.671875 member:3 -5883.203125 member:2 -1042.015625 member:5 120.84375 member:18 403 member:0 716 member:11 3892.609375 member:14 5127.796875 member:15 7151.5625 member:4 7610.890625 member:17 9738.640625 member:10 10240.34375 member:9 10507.34375 member:6 11986.78125 member:1 14788 member:12
HMSET hash:20 field:2 "value alph"
HPEXPIREAT hash:20 4102461204036 FIELDS 1 field:2
HMSET hash:20 field:0 "queue "
HPEXPIREAT hash:20 4102478606139 FIELDS 1 field:0
HMSET hash:20 field:1 queue
HMSET hash:20 field:3 "token queue tok"
SET counter:34 91202
SET str:48 "cache queue event queue bravo alpha "
SELECT 5
SET int:13 101370809125
PEXPIREAT int:13 4112163047473
RPUSH list:27 cac eve order use "token va" "user stream " se "token stream" "user cache u" "session orde" "cache cac" queue "user redis " "redis "
SADD set:41 m0:192 m10:255 m11:323 m12:260 m13:643 m14:104 m15:788 m16:74 m17:870 m18:3 m19:160 m1:595 m2:372 m3:689 m4:59 m5:295 m6:766 m7:498 m8:186 m9:315
HMSET hash:55 field:0 "cache alpha"
