//! Products in and out as CSV, one row per variant: `handle,title,status,description,sku,
//! variant_title,price,stock`, prices in the store's currency (`19.99`). Export streams what the
//! list shows, page by page from the api. Import creates one product per handle, reports every
//! row it refused and why, and never duplicates: a product whose handle exists is skipped, and a
//! resubmitted form replays under its one-time token.

use std::collections::BTreeMap;

use actix_multipart::Multipart;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::web::{self, Bytes};
use api_types::commerce::{CreateProductRequest, NewVariant, Product, ProductQuery, StoreSettings};
use api_types::store::Page;
use domain::{Currency, Money, ProductStatus};
use futures_util::{StreamExt as _, TryStreamExt as _, stream};
use maud::{Markup, html};
use serde::Deserialize;
use web_ui::api::Change;
use web_ui::components::{empty_state, form_errors, form_token_input, html_response, notice};
use web_ui::forms::FormErrors;
use web_ui::safety::form_token;
use web_ui::{ApiClient, ApiFailure, Credentials, PageError, PageResult, format};

use crate::shell::{Api, Browser, Memory, Section, Shell, page};

/// The columns, in order.
const HEADER: [&str; 8] = [
    "handle",
    "title",
    "status",
    "description",
    "sku",
    "variant_title",
    "price",
    "stock",
];
/// An upload larger than this is refused before it is read further.
const MOST_BYTES: usize = 5 * 1024 * 1024;
/// Products fetched per api call while exporting.
const EXPORT_PAGE: u32 = 100;

#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

/// The CSV rows of one product.
fn rows_of(product: &Product) -> Vec<[String; 8]> {
    product
        .variants
        .iter()
        .map(|variant| {
            [
                product.handle.clone(),
                product.title.clone(),
                product.status.as_str().to_owned(),
                product.description.clone(),
                variant.sku.clone(),
                variant.title.clone(),
                format::amount(variant.price),
                variant.inventory.available.to_string(),
            ]
        })
        .collect()
}

fn csv_bytes(rows: &[[String; 8]], header: bool) -> Result<Bytes, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    if header {
        writer.write_record(HEADER)?;
    }
    for row in rows {
        writer.write_record(row)?;
    }
    writer
        .into_inner()
        .map(Bytes::from)
        .map_err(|error| error.into_error().into())
}

/// Where the export is: the next page's cursor, or the end.
struct Exporting {
    api: Api,
    credentials: Credentials,
    query: ProductQuery,
    first: bool,
    done: bool,
}

async fn next_chunk(mut state: Exporting) -> Option<(Result<Bytes, actix_web::Error>, Exporting)> {
    if state.done {
        return None;
    }
    let page: Result<Page<Product>, ApiFailure> = state
        .api
        .get_with(&state.credentials, "/v1/admin/products", &state.query)
        .await;
    let chunk = match page {
        Ok(page) => {
            let rows: Vec<_> = page.data.iter().flat_map(rows_of).collect();
            state.query.cursor.clone_from(&page.next_cursor);
            state.done = page.next_cursor.is_none();
            csv_bytes(&rows, std::mem::take(&mut state.first))
                .map_err(actix_web::error::ErrorInternalServerError)
        }
        Err(failure) => {
            // The download is cut short: the browser shows it failed, nothing is half-written.
            tracing::warn!(%failure, "product export stopped");
            state.done = true;
            Err(actix_web::error::ErrorBadGateway(failure))
        }
    };
    Some((chunk, state))
}

pub async fn export(browser: Browser, api: Api, query: web::Query<ExportQuery>) -> PageResult {
    let query = query.into_inner();
    let query = ProductQuery {
        limit: Some(EXPORT_PAGE),
        cursor: None,
        q: query.q.filter(|q| !q.trim().is_empty()),
        status: query.status.as_deref().and_then(|s| s.parse().ok()),
    };
    // The first page is asked before answering, so a refusal is a page, not a broken download.
    let _: Page<Product> = api
        .get_with(
            &browser.credentials,
            "/v1/admin/products",
            &ProductQuery {
                limit: Some(1),
                ..query.clone()
            },
        )
        .await?;
    let state = Exporting {
        api,
        credentials: browser.credentials,
        query,
        first: true,
        done: false,
    };
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((CONTENT_DISPOSITION, "attachment; filename=\"products.csv\""))
        .streaming(stream::unfold(state, next_chunk)))
}

pub async fn import_page(browser: Browser, api: Api, memory: Memory) -> PageResult {
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    Ok(html_response(
        StatusCode::OK,
        import_form(&shell, &FormErrors::default(), None),
    ))
}

/// One CSV row refused, and why (lines count from 1, the header being line 1).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Refusal {
    line: u64,
    handle: String,
    reason: String,
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Report {
    created: usize,
    variants: usize,
    /// Handles already in the store, left as they are.
    existing: Vec<String>,
    refused: Vec<Refusal>,
}

/// A product read from the file, with the lines it came from.
#[derive(Clone, Debug)]
struct Parsed {
    lines: Vec<u64>,
    request: CreateProductRequest,
}

/// Reads the file: products by handle, in the order they first appear, and the rows refused.
fn parse(bytes: &[u8], currency: Currency) -> Result<(Vec<Parsed>, Vec<Refusal>), String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|error| format!("The file is not CSV: {error}."))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|header| header.eq_ignore_ascii_case(name))
    };
    let missing: Vec<&str> = ["handle", "title", "sku", "price"]
        .into_iter()
        .filter(|name| column(name).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "The first line must name the columns; missing: {}. Expected: {}.",
            missing.join(", "),
            HEADER.join(",")
        ));
    }
    let mut products: Vec<Parsed> = Vec::new();
    let mut by_handle: BTreeMap<String, usize> = BTreeMap::new();
    let mut refused = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index as u64 + 2;
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                refused.push(Refusal {
                    line,
                    handle: String::new(),
                    reason: format!("not a CSV row: {error}"),
                });
                continue;
            }
        };
        let cell = |name: &str| {
            column(name)
                .and_then(|at| record.get(at))
                .unwrap_or("")
                .to_owned()
        };
        let handle = cell("handle").to_lowercase();
        let refuse = |reason: String| Refusal {
            line,
            handle: handle.clone(),
            reason,
        };
        if handle.is_empty() {
            refused.push(refuse("no handle".to_owned()));
            continue;
        }
        let price = match format::parse_amount(&cell("price"), currency) {
            Ok(price) => price,
            Err(error) => {
                refused.push(refuse(format!("price: {error}")));
                continue;
            }
        };
        let stock = match cell("stock").as_str() {
            "" => None,
            typed => match typed.parse::<i64>() {
                Ok(stock) if stock >= 0 => Some(stock),
                _ => {
                    refused.push(refuse(format!(
                        "stock: `{typed}` is not a whole number of units"
                    )));
                    continue;
                }
            },
        };
        let status = match cell("status").as_str() {
            "" => None,
            typed => match typed.parse::<ProductStatus>() {
                Ok(status) => Some(status),
                Err(_) => {
                    refused.push(refuse(format!(
                        "status: `{typed}` is not draft, published or archived"
                    )));
                    continue;
                }
            },
        };
        let variant_title = cell("variant_title");
        let variant = NewVariant {
            sku: cell("sku"),
            title: (!variant_title.is_empty()).then_some(variant_title),
            price: Money::new(price, currency),
            inventory_quantity: stock,
        };
        match by_handle.get(&handle) {
            Some(&at) => {
                products[at].lines.push(line);
                products[at].request.variants.push(variant);
            }
            None => {
                let description = cell("description");
                by_handle.insert(handle.clone(), products.len());
                products.push(Parsed {
                    lines: vec![line],
                    request: CreateProductRequest {
                        title: cell("title"),
                        handle: Some(handle),
                        description: (!description.is_empty()).then_some(description),
                        status,
                        variants: vec![variant],
                    },
                });
            }
        }
    }
    Ok((products, refused))
}

/// The uploaded file and the form's token.
async fn read_upload(mut multipart: Multipart) -> Result<(Vec<u8>, String), String> {
    let mut file = Vec::new();
    let mut token = String::new();
    while let Some(mut field) = multipart
        .try_next()
        .await
        .map_err(|error| format!("The upload was not read: {error}."))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let mut value = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|error| format!("The upload was not read: {error}."))?;
            if value.len() + chunk.len() > MOST_BYTES {
                return Err(format!(
                    "The file is larger than {} MB: split it.",
                    MOST_BYTES / 1024 / 1024
                ));
            }
            value.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "file" => file = value,
            "formToken" => token = String::from_utf8_lossy(&value).into_owned(),
            _ => {}
        }
    }
    if file.is_empty() {
        return Err("Choose a CSV file to import.".to_owned());
    }
    Ok((file, token))
}

pub async fn import(browser: Browser, api: Api, memory: Memory, upload: Multipart) -> PageResult {
    let shell = Shell::load(&api, &memory, &browser.credentials).await?;
    let refused_form = |message: String| {
        Ok(html_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            import_form(&shell, &FormErrors::form(message), None),
        ))
    };
    let (file, token) = match read_upload(upload).await {
        Ok(upload) => upload,
        Err(message) => return refused_form(message),
    };
    let store: StoreSettings = api.get(&browser.credentials, "/v1/admin/store").await?;
    let (products, mut refused) = match parse(&file, store.currency) {
        Ok(parsed) => parsed,
        Err(message) => return refused_form(message),
    };
    let mut report = Report::default();
    for (index, product) in products.iter().enumerate() {
        // The same form sent again replays each product; a new upload of the same file finds
        // their handles taken.
        let key = (!token.is_empty()).then(|| format!("{token}-{index}"));
        let change = Change::post("/v1/admin/products", &product.request);
        let change = match &key {
            Some(key) => change.once(key),
            None => change,
        };
        match create(&api, &browser.credentials, change).await? {
            Created::Yes => {
                report.created += 1;
                report.variants += product.request.variants.len();
            }
            Created::Exists => report.existing.extend(product.request.handle.clone()),
            Created::Refused(reason) => refused.extend(product.lines.iter().map(|&line| Refusal {
                line,
                handle: product.request.handle.clone().unwrap_or_default(),
                reason: reason.clone(),
            })),
        }
    }
    refused.sort_by_key(|refusal| refusal.line);
    report.refused = refused;
    Ok(html_response(
        StatusCode::OK,
        import_form(&shell, &FormErrors::default(), Some(&report)),
    ))
}

enum Created {
    Yes,
    Exists,
    Refused(String),
}

async fn create(
    api: &ApiClient,
    credentials: &Credentials,
    change: Change<'_, CreateProductRequest>,
) -> Result<Created, PageError> {
    match api.send::<_, Product>(credentials, change).await {
        Ok(_) => Ok(Created::Yes),
        Err(failure) => match failure.refusal(&[400, 409, 422]) {
            Some(body) if body.code == "HANDLE_TAKEN" => Ok(Created::Exists),
            Some(body) => {
                let fields = FormErrors::from_envelope(body, |_| None);
                Ok(Created::Refused(
                    fields.form.unwrap_or_else(|| body.error.clone()),
                ))
            }
            None => Err(failure.into()),
        },
    }
}

fn import_form(shell: &Shell, errors: &FormErrors, report: Option<&Report>) -> Markup {
    page(
        shell,
        Section::Products,
        "Import products",
        html! {
            nav.breadcrumb aria-label="Breadcrumb" { a href="/products" { "Products" } " / Import" }
            div.page-header { h1 { "Import products" } }
            @if let Some(report) = report { (report_card(report)) }
            section.card {
                p { "A CSV file with one row per variant; rows of the same " code { "handle" } " make one product. The first line names the columns:" }
                pre.mono { (HEADER.join(",")) }
                p.hint { "Prices in " (shell.active.name) "'s currency, like 19.99. Products whose handle is already in the store are left as they are, so importing a file again adds only what is new. " a href="/products/export.csv" { "Export" } " gives a file in this form." }
                (form_errors(errors))
                form.stack method="post" action="/products/import" enctype="multipart/form-data" {
                    (form_token_input(&form_token()))
                    div.field {
                        label for="field-file" { "CSV file" }
                        input #field-file type="file" name="file" accept=".csv,text/csv" required;
                    }
                    div { button.primary type="submit" { "Import" } }
                }
            }
        },
    )
}

fn report_card(report: &Report) -> Markup {
    html! {
        section.card #report {
            h2 { "Import report" }
            (notice(if report.refused.is_empty() { "success" } else { "warning" },
                &format!("{} products created ({} variants); {} already in the store; {} rows refused.",
                    report.created, report.variants, report.existing.len(), report.refused.len())))
            @if report.refused.is_empty() && report.created == 0 && report.existing.is_empty() {
                (empty_state("The file had no rows", "Add one row per variant under the header line.", None))
            }
            @if !report.refused.is_empty() {
                div.table-wrap {
                    table {
                        thead { tr { th.num { "Line" } th { "Handle" } th { "Why it was refused" } } }
                        tbody {
                            @for refusal in &report.refused {
                                tr { td.num { (refusal.line) } td.mono { (refusal.handle) } td { (refusal.reason) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        "EUR".parse().unwrap()
    }

    #[test]
    fn rows_of_one_handle_make_one_product_and_bad_rows_are_said_by_line() {
        let file = "handle,title,status,description,sku,variant_title,price,stock\n\
                    tee,Tee,published,\"Soft, warm\",TEE-S,Small,19.99,5\n\
                    tee,Tee,,,TEE-M,Medium,21,\n\
                    mug,Mug,draft,,MUG,,abc,2\n\
                    cap,Cap,sold,,CAP,,5,1\n\
                    ,No handle,,,X,,1,1\n\
                    hat,Hat,,,HAT,,3,-2\n";
        let (products, refused) = parse(file.as_bytes(), eur()).unwrap();
        assert_eq!(products.len(), 1);
        let tee = &products[0];
        assert_eq!(tee.lines, [2, 3]);
        assert_eq!(tee.request.description.as_deref(), Some("Soft, warm"));
        assert_eq!(tee.request.status, Some(ProductStatus::Published));
        let prices: Vec<i64> = tee
            .request
            .variants
            .iter()
            .map(|v| v.price.amount)
            .collect();
        assert_eq!(prices, [1999, 2100]);
        assert_eq!(tee.request.variants[1].inventory_quantity, None);
        let lines: Vec<u64> = refused.iter().map(|r| r.line).collect();
        assert_eq!(lines, [4, 5, 6, 7]);
        assert!(refused[0].reason.starts_with("price"), "{refused:?}");
        assert!(refused[1].reason.starts_with("status"));
        assert_eq!(refused[2].reason, "no handle");
        assert!(refused[3].reason.starts_with("stock"));
    }

    #[test]
    fn a_file_without_the_needed_columns_is_refused_whole() {
        let error = parse(b"name,cost\nTee,3\n", eur()).unwrap_err();
        assert!(error.contains("handle, title, sku, price"), "{error}");
    }

    #[test]
    fn an_export_reads_back_as_the_same_products() {
        let product = Product {
            id: uuid::Uuid::nil(),
            title: "Tee, \"the\" best".into(),
            handle: "tee".into(),
            description: "line one\nline two".into(),
            status: ProductStatus::Draft,
            variants: vec![api_types::commerce::Variant {
                id: uuid::Uuid::nil(),
                sku: "TEE".into(),
                title: "Default".into(),
                price: Money::new(1250, eur()),
                inventory: api_types::commerce::Inventory { available: 7 },
            }],
            created_at: domain::Clock::now(&domain::SystemClock),
            updated_at: domain::Clock::now(&domain::SystemClock),
        };
        let bytes = csv_bytes(&rows_of(&product), true).unwrap();
        let (products, refused) = parse(&bytes, eur()).unwrap();
        assert!(refused.is_empty(), "{refused:?}");
        let read = &products[0].request;
        assert_eq!(
            (read.title.as_str(), read.description.as_deref()),
            ("Tee, \"the\" best", Some("line one\nline two"))
        );
        assert_eq!(
            (
                read.variants[0].price.amount,
                read.variants[0].inventory_quantity
            ),
            (1250, Some(7))
        );
    }
}
