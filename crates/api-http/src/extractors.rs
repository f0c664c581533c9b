//! Body, path and query extraction configured so that every bad input is a clear 4xx envelope.

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::web;

use crate::{ApiError, FieldError};

/// JSON bodies: `application/json` only, at most `limit_bytes`, syntax and shape errors told apart.
#[must_use]
pub fn json_config(limit_bytes: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit_bytes)
        .error_handler(move |error, _req| json_error(error, limit_bytes).into())
}

fn json_error(error: JsonPayloadError, limit_bytes: usize) -> ApiError {
    match error {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            ApiError::payload_too_large(limit_bytes)
        }
        JsonPayloadError::ContentType => ApiError::unsupported_media_type("application/json"),
        JsonPayloadError::Deserialize(error) if error.is_data() => {
            ApiError::validation(vec![FieldError::new("body", error.to_string())])
        }
        JsonPayloadError::Deserialize(error) => ApiError::bad_request(
            "MALFORMED_JSON",
            format!("The request body is not valid JSON: {error}"),
        ),
        other => ApiError::bad_request("BAD_REQUEST", other.to_string()),
    }
}

/// Raw bodies (webhooks): at most `limit_bytes`; the envelope middleware words the 413.
#[must_use]
pub fn payload_config(limit_bytes: usize) -> web::PayloadConfig {
    web::PayloadConfig::new(limit_bytes)
}

/// A path segment of the wrong type (an id that is not a UUID…) is a 400 naming the segment.
#[must_use]
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|error, _req| {
        let PathError::Deserialize(error) = error else {
            return ApiError::bad_request("BAD_REQUEST", "invalid path").into();
        };
        ApiError::validation(vec![FieldError::new("path", error.to_string())]).into()
    })
}

/// A query string that does not parse (`limit=abc`…) is a 400 naming the problem.
#[must_use]
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error, _req| {
        let QueryPayloadError::Deserialize(error) = error else {
            return ApiError::bad_request("BAD_REQUEST", "invalid query string").into();
        };
        ApiError::validation(vec![FieldError::new("query", error.to_string())]).into()
    })
}

#[cfg(test)]
mod tests {
    use actix_web::http::StatusCode;
    use actix_web::middleware::from_fn;
    use actix_web::{App, HttpResponse, test, web};
    use serde::Deserialize;
    use serde_json::Value;

    use super::*;
    use crate::envelope_for_bare_errors;

    #[derive(Deserialize)]
    struct Signup {
        #[serde(rename = "email")]
        _email: String,
    }

    #[derive(Deserialize)]
    struct Page {
        #[serde(rename = "limit")]
        _limit: u32,
    }

    async fn signup(_: web::Json<Signup>) -> HttpResponse {
        HttpResponse::Created().finish()
    }

    async fn item(_: web::Path<uuid::Uuid>) -> HttpResponse {
        HttpResponse::Ok().finish()
    }

    async fn list(_: web::Query<Page>) -> HttpResponse {
        HttpResponse::Ok().finish()
    }

    async fn raw(_: web::Bytes) -> HttpResponse {
        HttpResponse::Ok().finish()
    }

    async fn call(request: test::TestRequest) -> (StatusCode, Value) {
        let app = test::init_service(
            App::new()
                .wrap(from_fn(envelope_for_bare_errors))
                .app_data(json_config(64))
                .app_data(payload_config(64))
                .app_data(path_config())
                .app_data(query_config())
                .route("/signup", web::post().to(signup))
                .route("/items/{id}", web::get().to(item))
                .route("/items", web::get().to(list))
                .route("/raw", web::post().to(raw)),
        )
        .await;
        let response = test::call_service(&app, request.to_request()).await;
        let status = response.status();
        let body: Value = test::read_body_json(response).await;
        assert_eq!(body["status"], status.as_u16(), "{body}");
        (status, body)
    }

    fn post_json(body: impl Into<web::Bytes>) -> test::TestRequest {
        test::TestRequest::post()
            .uri("/signup")
            .insert_header(("content-type", "application/json"))
            .set_payload(body)
    }

    #[actix_web::test]
    async fn malformed_json_is_a_400() {
        let (status, body) = call(post_json("{\"email\": ")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["code"], "MALFORMED_JSON");
    }

    #[actix_web::test]
    async fn a_missing_field_is_a_validation_error_naming_it() {
        let (status, body) = call(post_json("{\"name\": \"x\"}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["code"], "VALIDATION_ERROR");
        assert!(
            body["details"]["fields"][0]["message"]
                .as_str()
                .unwrap()
                .contains("email")
        );
    }

    #[actix_web::test]
    async fn an_oversized_body_is_a_413() {
        let big = format!("{{\"email\": \"{}\"}}", "a".repeat(200));
        let (status, body) = call(post_json(big)).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(body["code"], "PAYLOAD_TOO_LARGE");

        let raw = test::TestRequest::post()
            .uri("/raw")
            .set_payload("x".repeat(200));
        let (status, body) = call(raw).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(body["code"], "PAYLOAD_TOO_LARGE");
    }

    #[actix_web::test]
    async fn a_wrong_content_type_is_a_415() {
        let request = test::TestRequest::post()
            .uri("/signup")
            .insert_header(("content-type", "text/plain"))
            .set_payload("{\"email\": \"a@b.c\"}");
        let (status, body) = call(request).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(body["code"], "UNSUPPORTED_MEDIA_TYPE");
    }

    #[actix_web::test]
    async fn a_bad_path_parameter_is_a_400_naming_the_path() {
        let (status, body) = call(test::TestRequest::get().uri("/items/not-a-uuid")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["code"], "VALIDATION_ERROR");
        assert_eq!(body["details"]["fields"][0]["field"], "path");
    }

    #[actix_web::test]
    async fn a_bad_query_is_a_400_naming_the_query() {
        let (status, body) = call(test::TestRequest::get().uri("/items?limit=lots")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["details"]["fields"][0]["field"], "query");
    }
}
