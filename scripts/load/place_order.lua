dofile("scripts/load/common.lua")

-- Each cart is ordered once: threads take every other cart, in turn.
function init(args)
  local all = read_ids("order_carts")
  carts = {}
  for i = 1 + thread_number, #all, 2 do carts[#carts + 1] = all[i] end
  position = 0
end

request = function()
  position = position + 1
  local cart = carts[((position - 1) % #carts) + 1]
  local body = '{"cartId":"' .. cart .. '","email":"load@example.com"}'
  return wrk.format("POST", "/v1/orders", headers, body)
end
