//! Liveness and readiness.

use actix_web::{HttpResponse, web};
use api_http::ApiError;
use api_types::operations;
use api_types::{ErrorBody, Health, Readiness};

use crate::errors::AppError;
use crate::state::AppState;

/// Liveness: the process answers.
#[utoipa::path(
    get, path = "/healthz", operation_id = operations::HEALTHZ, tag = "operations",
    responses((status = 200, description = "The process is up", body = Health)),
)]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".to_owned(),
    })
}

/// Readiness: the database answers, so requests can be served.
#[utoipa::path(
    get, path = "/readyz", operation_id = operations::READYZ, tag = "operations",
    responses(
        (status = 200, description = "Ready to serve", body = Readiness),
        (status = 503, description = "The database does not answer", body = ErrorBody),
    ),
)]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    state.db.ping().await.map_err(ApiError::unavailable)?;
    Ok(HttpResponse::Ok().json(Readiness {
        status: "ready".to_owned(),
        database: state.db.backend.as_str().to_owned(),
    }))
}
