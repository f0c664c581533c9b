//! Static files compiled into the binary and served under content-hashed names, so a page can let
//! browsers cache them for a year and a new build is never served an old file.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use sha2::{Digest as _, Sha256};

/// Where assets are served from.
pub const PREFIX: &str = "/assets";

struct Asset {
    name: &'static str,
    /// `app.1a2b3c4d5e6f7a8b.css`
    hashed_name: String,
    bytes: &'static [u8],
    content_type: &'static str,
}

macro_rules! embedded {
    ($($name:literal => $path:literal as $content_type:literal),+ $(,)?) => {
        [$(($name, include_bytes!($path).as_slice(), $content_type)),+]
    };
}

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    embedded! {
        "app.css" => "../assets/app.css" as "text/css; charset=utf-8",
        "app.js" => "../assets/app.js" as "text/javascript; charset=utf-8",
        // htmx 2.0.11, from the `htmx.org` npm package (scripts/vendor-assets.sh refreshes it).
        "htmx.min.js" => "../assets/vendor/htmx.min.js" as "text/javascript; charset=utf-8",
        "favicon.svg" => "../assets/favicon.svg" as "image/svg+xml",
    }
    .into_iter()
    .map(|(name, bytes, content_type)| Asset {
        name,
        hashed_name: hashed(name, bytes),
        bytes,
        content_type,
    })
    .collect()
});

fn hashed(name: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hash: String = digest[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    match name.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}.{hash}.{extension}"),
        None => format!("{name}.{hash}"),
    }
}

/// The URL of the asset embedded as `name` (`app.css` → `/assets/app.1a2b….css`). An unknown name
/// answers a URL that is a 404, so a typo shows in the browser's console rather than a panic.
#[must_use]
pub fn url(name: &str) -> String {
    let file = ASSETS
        .iter()
        .find(|asset| asset.name == name)
        .map_or(name, |asset| asset.hashed_name.as_str());
    format!("{PREFIX}/{file}")
}

/// `GET /assets/{file}`: an embedded file by its hashed name, cached for a year.
pub async fn serve(file: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|asset| asset.hashed_name == *file) {
        Some(asset) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, asset.content_type))
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(asset.bytes),
        None => HttpResponse::NotFound()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .finish(),
    }
}

/// Registers `GET /assets/{file}`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(&format!("{PREFIX}/{{file}}"), web::get().to(serve));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_hash_of_their_content() {
        let css = url("app.css");
        assert!(
            css.starts_with("/assets/app.") && css.ends_with(".css"),
            "{css}"
        );
        assert_ne!(css, "/assets/app.css");
        assert_eq!(hashed("a.css", b"x"), hashed("a.css", b"x"));
        assert_ne!(hashed("a.css", b"x"), hashed("a.css", b"y"));
    }

    #[actix_web::test]
    async fn served_by_hashed_name_only() {
        let name = url("htmx.min.js").trim_start_matches("/assets/").to_owned();
        let found = serve(web::Path::from(name)).await;
        assert_eq!(found.status(), 200);
        assert!(
            found
                .headers()
                .get(header::CACHE_CONTROL)
                .unwrap()
                .to_str()
                .unwrap()
                .contains("immutable")
        );
        let plain = serve(web::Path::from("htmx.min.js".to_owned())).await;
        assert_eq!(plain.status(), 404);
    }
}
