"""Prepares a load run: the seeded store's product and variant ids, carts to add items to, and
carts holding one item each for placeOrder. Writes one id per line into the run's folder."""

import http.client
import json
import os
import sys
from urllib.parse import urlparse

work, base = sys.argv[1], urlparse(sys.argv[2])
seed = json.load(open(f"{work}/seed.json"))
conn = http.client.HTTPConnection(base.hostname, base.port)
shop = {"Host": seed["host"], "Content-Type": "application/json"}


def call(method, path, body=None, headers=shop):
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    payload = response.read()
    if response.status >= 300:
        raise SystemExit(f"{method} {path}: {response.status} {payload[:300]!r}")
    return json.loads(payload)


products, variants, cursor = [], [], None
while len(products) < 1000:
    page = call("GET", "/v1/products?limit=100" + (f"&cursor={cursor}" if cursor else ""))
    for product in page["data"]:
        products.append(product["id"])
        variants.append(product["variants"][0]["id"])
    cursor = page["nextCursor"]
    if not cursor:
        break


def write(name, ids):
    with open(f"{work}/{name}.txt", "w") as out:
        out.write("\n".join(ids) + "\n")


write("products", products)
write("variants", variants[:100])
write("add_carts", [call("POST", "/v1/carts", {})["id"] for _ in range(400)])
order_carts = []
for n in range(int(os.environ.get("ORDER_CARTS", "10000"))):
    cart = call("POST", "/v1/carts", {})["id"]
    call("POST", f"/v1/carts/{cart}/items", {"variantId": variants[n % len(variants)], "quantity": 1})
    order_carts.append(cart)
write("order_carts", order_carts)
print(f"prepared {len(products)} products, {len(order_carts)} carts to order")
