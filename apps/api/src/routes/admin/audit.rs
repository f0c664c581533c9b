//! The organization's audit log.

use actix_web::web;
use api_http::{ApiError, FieldError};
use api_types::ErrorBody;
use api_types::store::{AuditEventView, Page, PageQuery};
use identity::permissions::Permission;
use resolve_caller::ApiCaller;

use crate::authorize;
use crate::state::AppState;

const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 100;

/// Security-relevant events of the organization, newest first. Scope `admin`; owners and admins.
#[utoipa::path(
    get, path = "/v1/admin/audit-events", operation_id = "adminListAuditEvents", tag = "store",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of events", body = Page<AuditEventView>),
        (status = 400, description = "Bad limit or cursor", body = ErrorBody),
        (status = 401, description = "No valid caller", body = ErrorBody),
        (status = 403, description = "Not an admin caller, or a member without the right", body = ErrorBody),
    ),
    security(("apiKey" = []), ("sessionCookie" = []), ("sessionToken" = []), ("agentJwt" = [])),
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: ApiCaller,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<AuditEventView>>, ApiError> {
    authorize::admin(
        &state,
        &caller,
        "adminListAuditEvents",
        Permission::AuditLogRead,
    )
    .await?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::validation(vec![FieldError::new(
            "limit",
            format!("must be 1 to {MAX_LIMIT}"),
        )]));
    }
    let before = query
        .cursor
        .as_deref()
        .map(|cursor| {
            uuid::Uuid::parse_str(cursor).map_err(|_| {
                ApiError::validation(vec![FieldError::new(
                    "cursor",
                    "is not a cursor of this list",
                )])
            })
        })
        .transpose()?;
    let events = state
        .identity
        .audit_events_of(caller.org_id(), before, u64::from(limit) + 1)
        .await
        .map_err(|e| state.identity_error(e))?;
    let has_more = events.len() > limit as usize;
    let data: Vec<AuditEventView> = events
        .into_iter()
        .take(limit as usize)
        .map(|event| AuditEventView {
            id: event.id,
            action: event.action,
            actor_kind: event.actor_kind,
            actor_user_id: event.actor_user_id.map(|user| user.as_uuid()),
            principal_id: event.principal_id,
            subject: event.subject,
            details: serde_json::from_str(&event.details).unwrap_or(serde_json::Value::Null),
            ip_address: event.ip_address,
            created_at: event.created_at,
        })
        .collect();
    let next_cursor = has_more
        .then(|| data.last().map(|event| event.id.to_string()))
        .flatten();
    Ok(web::Json(Page { data, next_cursor }))
}
