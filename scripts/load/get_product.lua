dofile("scripts/load/common.lua")

function init(args)
  products = read_ids("products")
  math.randomseed(os.time() + thread_number)
end

request = function()
  return wrk.format("GET", "/v1/products/" .. products[math.random(#products)], headers)
end
