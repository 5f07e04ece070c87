-- redfile: the sandbox and `redis` table set up once per Lua state.
-- Arguments: aborted() -> bool (the script must stop: a fatal error is
-- pending), unsupported(name) (a library Redis has and this state lacks),
-- sha1hex(s).
local aborted, unsupported, sha1hex = ...
local rawpcall, rawxpcall, rawloadstring = pcall, xpcall, loadstring
local select, type, error, tostring = select, type, error, tostring
local setmetatable, rawget = setmetatable, rawget
local sbyte, concat = string.byte, table.concat
local co_resume = coroutine.resume

-- Nothing reaches the machine: no files, no stdout.
loadfile, dofile, print = nil, nil, function() end

-- A pending abort (instruction limit, unsupported command) cannot be
-- swallowed by pcall, xpcall or coroutine.resume.
local function check(ok, ...)
  if not ok and aborted() then error((...), 0) end
  return ok, ...
end
pcall = function(...) return check(rawpcall(...)) end
xpcall = function(...) return check(rawxpcall(...)) end
coroutine.resume = function(...) return check(co_resume(...)) end

-- Binary chunks could corrupt the VM: text only.
loadstring = function(s, ...)
  if type(s) == "string" and sbyte(s, 1) == 27 then
    return nil, "binary chunks are not allowed"
  end
  return rawloadstring(s, ...)
end
load = function(f, ...)
  if type(f) ~= "function" then
    error("bad argument #1 to 'load' (function expected, got " .. type(f) .. ")", 2)
  end
  local parts = {}
  while true do
    local p = f()
    if p == nil or p == "" then break end
    if type(p) ~= "string" then return nil, "reader function must return a string" end
    parts[#parts + 1] = p
  end
  return loadstring(concat(parts), ...)
end

local ctl = {}
redis = {}
redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING = 0, 1, 2, 3
redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL = 0, 1, 2, 2, 3
redis.call = function(...)
  local r, failed = ctl.impl(...)
  if failed then error(r.err, 0) end
  return r
end
redis.pcall = function(...)
  local r = ctl.impl(...)
  return r
end
local function one_string(...)
  local v = ...
  return select("#", ...) == 1 and (type(v) == "string" or type(v) == "number")
end
redis.error_reply = function(...)
  if not one_string(...) then return { err = "ERR wrong number or type of arguments" } end
  return { err = tostring((...)) }
end
redis.status_reply = function(...)
  if not one_string(...) then return { err = "ERR wrong number or type of arguments" } end
  return { ok = tostring((...)) }
end
redis.sha1hex = function(...)
  if select("#", ...) ~= 1 then error("wrong number of arguments", 2) end
  return sha1hex(tostring((...)))
end
redis.log = function(level, ...)
  if select("#", ...) < 1 then error("redis.log() requires two arguments or more.", 2) end
  if type(level) ~= "number" or level < 0 or level > 3 then error("Invalid debug level.", 2) end
end
redis.replicate_commands = function() return true end
redis.set_repl = function() end
redis.breakpoint = function() return false end
redis.debug = function() end

-- Globals protection, as Redis: no new globals, no reads of missing ones;
-- the libraries Redis has and this state lacks abort the replay instead.
local missing = { cjson = true, cmsgpack = true, struct = true, bit = true, debug = true }
setmetatable(_G, {
  __newindex = function(_, n)
    error("Script attempted to create global variable '" .. tostring(n) .. "'", 2)
  end,
  __index = function(_, n)
    if missing[n] then unsupported(n) end
    error("Script attempted to access nonexistent global variable '" .. tostring(n) .. "'", 2)
  end,
})

local function run(f) return rawpcall(f) end
return ctl, run
