dofile("scripts/load/common.lua")

request = function()
  return wrk.format("GET", "/v1/products?limit=20", headers)
end
