dofile("scripts/load/common.lua")

-- Random carts and variants: at most 100 lines per cart, far below 1000 units per line.
function init(args)
  carts = read_ids("add_carts")
  variants = read_ids("variants")
  math.randomseed(os.time() + thread_number)
end

request = function()
  local body = '{"variantId":"' .. variants[math.random(#variants)] .. '","quantity":1}'
  return wrk.format("POST", "/v1/carts/" .. carts[math.random(#carts)] .. "/items", headers, body)
end
