-- Shared by the scenarios: the storefront's host and the ids prepared by prepare.py.
local dir = os.getenv("LOAD_DIR")

function read_ids(name)
  local ids = {}
  for line in io.lines(dir .. "/" .. name .. ".txt") do
    if line ~= "" then ids[#ids + 1] = line end
  end
  return ids
end

headers = { ["Host"] = "shop.load.test", ["Content-Type"] = "application/json" }

-- Give each wrk thread a number, so threads can split a list of ids between them.
local next_thread = 0
function setup(thread)
  thread:set("thread_number", next_thread)
  next_thread = next_thread + 1
end
