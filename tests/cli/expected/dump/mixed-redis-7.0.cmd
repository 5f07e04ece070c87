FUNCTION LOAD "#!lua name=mylib\nredis.register_function('hello', function() return 'hi' end)"
SELECT 0
SET counter 42
SET greeting "hello world"
SADD ids 1 2 3 4
SET session:1 alice
PEXPIREAT session:1 4102444800000
HMSET user:1 name Alice age 30
XADD events 1700000000000-0 type login user alice
XADD events 1700000000001-0 type logout user alice
XSETID events 1700000000001-0 ENTRIESADDED 2 MAXDELETEDID 0-0
XGROUP CREATE events auditors 1700000000000-0 ENTRIESREAD 1
XCLAIM events auditors worker1 0 1700000000000-0 TIME 1795292319514 RETRYCOUNT 1 JUSTID FORCE
RPUSH queue a b c
SADD tags red green blue
ZADD scores -inf nobody 1.5 alice 2 bob
SELECT 2
SET other:db "in db 2"
