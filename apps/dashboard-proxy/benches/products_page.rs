//! What the products page costs the dashboard in-process, apart from the network: decoding the
//! api's answer for 20 products (`products-page-20.json`, captured from `api seed`) and drawing
//! the page from it. `cargo bench -p dashboard-proxy --features bench`; figures in
//! docs/PERFORMANCE.md ("Dashboard products page").

#![expect(
    clippy::panic,
    reason = "a benchmark whose fixture does not decode has nothing to measure"
)]

use std::hint::black_box;

use api_types::commerce::Product;
use api_types::store::Page;
use criterion::{Criterion, criterion_group, criterion_main};
use dashboard_proxy::bench::render_list_page;

const ANSWER: &[u8] = include_bytes!("products-page-20.json");

fn decoded() -> Page<Product> {
    serde_json::from_slice(ANSWER).unwrap_or_else(|error| panic!("the fixture decodes: {error}"))
}

fn products_page(c: &mut Criterion) {
    let mut group = c.benchmark_group("products_page");
    group.bench_function("decode_20_products", |b| {
        b.iter(|| serde_json::from_slice::<Page<Product>>(black_box(ANSWER)).ok());
    });
    let products = decoded();
    group.bench_function("render_20_rows", |b| {
        b.iter(|| render_list_page(black_box(&products)).into_string().len());
    });
    group.bench_function("decode_and_render", |b| {
        b.iter(|| {
            let products: Page<Product> = serde_json::from_slice(black_box(ANSWER))
                .unwrap_or_else(|error| panic!("decodes: {error}"));
            render_list_page(&products).into_string().len()
        });
    });
    group.finish();
}

criterion_group!(benches, products_page);
criterion_main!(benches);
