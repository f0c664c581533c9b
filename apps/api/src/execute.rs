//! Runs a capability in-process, as the agent that asked: the execute endpoint's engine.
//!
//! The call goes through the very routes, extractors, validation and handlers of the REST
//! operation, on an app of the `/v1` routes alone. The agent's already verified caller rides in the
//! request's extensions, which only this process can set, so no credential is forwarded or
//! resolved twice and no shared proxy key exists to be misused.

use std::cell::OnceCell;
use std::rc::Rc;

use actix_http::Request;
use actix_service::boxed::{self, BoxService};
use actix_service::{IntoServiceFactory as _, ServiceExt as _};
use actix_web::body::{self, BoxBody};
use actix_web::dev::{AppConfig, Payload, Service as _, ServiceFactory as _, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode, Uri};
use actix_web::web::Bytes;
use actix_web::{HttpMessage as _, HttpResponse};
use api_http::{ApiError, FieldError, RequestId};
use resolve_caller::ApiCaller;
use serde_json::{Map, Value};

use crate::capabilities::Capability;
use crate::state::AppState;

/// The largest answer an executed operation may give (a full page of a list is far below it).
const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;

/// One operation to run: the REST request the capability's arguments stand for.
#[derive(Debug, PartialEq)]
pub struct Call {
    method: Method,
    /// Path and query.
    target: String,
    body: Option<Value>,
}

impl Call {
    /// Spreads a flat `arguments` object over the operation: its path parameters, its query
    /// parameters, and everything else as its JSON body. An argument the operation cannot take is
    /// a validation error, never dropped.
    pub fn of(
        capability: &Capability,
        mut arguments: Map<String, Value>,
    ) -> Result<Self, ApiError> {
        let mut problems = Vec::new();
        let mut path = capability.path.clone();
        for name in &capability.path_parameters {
            match arguments.remove(name).as_ref().and_then(scalar_text) {
                Some(value) => {
                    let encoded =
                        percent_encoding::utf8_percent_encode(&value, PATH_SEGMENT).to_string();
                    path = path.replace(&format!("{{{name}}}"), &encoded);
                }
                None => problems.push(FieldError::new(
                    format!("arguments.{name}"),
                    "is required (a string or a number)",
                )),
            }
        }
        let mut query = Vec::new();
        for name in &capability.query_parameters {
            match arguments.remove(name) {
                None | Some(Value::Null) => {}
                Some(value) => match scalar_text(&value) {
                    Some(text) => query.push((name.clone(), text)),
                    None => problems.push(FieldError::new(
                        format!("arguments.{name}"),
                        "must be a string, a number or a boolean",
                    )),
                },
            }
        }
        let body = if capability.takes_body {
            Some(Value::Object(arguments))
        } else {
            problems.extend(arguments.keys().map(|name| {
                FieldError::new(
                    format!("arguments.{name}"),
                    format!("is not an argument of {}", capability.name),
                )
            }));
            None
        };
        if !problems.is_empty() {
            return Err(ApiError::validation(problems));
        }
        let target = if query.is_empty() {
            path
        } else {
            let query = serde_urlencoded::to_string(&query).map_err(ApiError::internal)?;
            format!("{path}?{query}")
        };
        Ok(Self {
            method: capability.method.clone(),
            target,
            body,
        })
    }
}

/// Characters a path segment must not carry as they are.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// What the operation answered when it did not fail with an error of ours (which [`InProcess::run`]
/// returns as its error).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    /// Its JSON body; `null` when it had none.
    pub body: Value,
}

type V1Service = BoxService<Request, ServiceResponse<BoxBody>, actix_web::Error>;

/// The `/v1` app of one worker, built on first use (an actix service is not `Send`, so each worker
/// has its own).
pub struct InProcess {
    state: AppState,
    service: OnceCell<Rc<V1Service>>,
}

impl std::fmt::Debug for InProcess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InProcess").finish_non_exhaustive()
    }
}

impl InProcess {
    #[must_use]
    pub const fn new(state: AppState) -> Self {
        Self {
            state,
            service: OnceCell::new(),
        }
    }

    async fn service(&self) -> Result<Rc<V1Service>, ApiError> {
        if let Some(service) = self.service.get() {
            return Ok(Rc::clone(service));
        }
        let service = crate::startup::v1_app(self.state.clone())
            .into_factory()
            .new_service(AppConfig::default())
            .await
            .map_err(|()| ApiError::internal("the /v1 app could not be built"))?;
        let service: V1Service = boxed::service(service.map(ServiceResponse::map_into_boxed_body));
        // Two first calls may race to build it; either result is the same app.
        Ok(Rc::clone(self.service.get_or_init(|| Rc::new(service))))
    }

    /// Runs `call` as `caller`. `idempotency_key` and `request_id` are passed on, so a retried
    /// execute is as safe as a retried REST call and its logs carry the same id.
    pub async fn run(
        &self,
        caller: &ApiCaller,
        call: Call,
        idempotency_key: Option<&HeaderValue>,
        request_id: Option<&RequestId>,
    ) -> Result<Answer, ApiError> {
        let body = match &call.body {
            Some(body) => serde_json::to_vec(body).map_err(ApiError::internal)?,
            None => Vec::new(),
        };
        let mut request = Request::with_payload(Payload::from(Bytes::from(body)));
        {
            let head = request.head_mut();
            head.method = call.method;
            head.uri = call.target.parse::<Uri>().map_err(|_| {
                ApiError::bad_request("INVALID_ARGUMENTS", "arguments that make no URL")
            })?;
            if call.body.is_some() {
                head.headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
            }
            if let Some(key) = idempotency_key {
                head.headers
                    .insert(HeaderName::from_static("idempotency-key"), key.clone());
            }
        }
        request.extensions_mut().insert(caller.clone());
        if let Some(id) = request_id {
            request.extensions_mut().insert(id.clone());
        }
        let service = self.service().await?;
        let response = match service.call(request).await {
            Ok(response) => response.into_parts().1,
            Err(error) => HttpResponse::from_error(error),
        };
        // The operation's own error is passed on as the error it is, so the execute route answers
        // it in Agent Auth's shape like any error of its own.
        if let Some(error) = response
            .error()
            .and_then(|error| error.as_error::<ApiError>())
        {
            return Err(error.clone());
        }
        let status = response.status();
        let bytes = body::to_bytes_limited(response.into_body(), MAX_ANSWER_BYTES)
            .await
            .map_err(|_| ApiError::internal("the operation's answer is too large"))?
            .map_err(|_| ApiError::internal("the operation's answer could not be read"))?;
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).map_err(ApiError::internal)?
        };
        Ok(Answer { status, body })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::capabilities::Catalog;

    fn call(name: &str, arguments: Value) -> Result<Call, ApiError> {
        let catalog = Catalog::of_this_api().unwrap();
        let Value::Object(arguments) = arguments else {
            panic!("arguments are an object")
        };
        Call::of(catalog.get(name).unwrap(), arguments)
    }

    #[test]
    fn path_query_and_body_arguments_find_their_place() {
        let refund = call(
            "adminRefundOrder",
            json!({"id": "0190-ab/c", "amount": 500, "reason": "damaged"}),
        )
        .unwrap();
        assert_eq!(refund.method, Method::POST);
        assert_eq!(refund.target, "/v1/admin/orders/0190-ab%2Fc/refunds");
        assert_eq!(
            refund.body,
            Some(json!({"amount": 500, "reason": "damaged"}))
        );

        let list = call(
            "listProducts",
            json!({"limit": 2, "q": "red mug", "cursor": null}),
        )
        .unwrap();
        assert_eq!(list.method, Method::GET);
        assert_eq!(list.target, "/v1/products?limit=2&q=red+mug");
        assert_eq!(list.body, None);
    }

    #[test]
    fn missing_and_unknown_arguments_are_refused() {
        let error = call("getProduct", json!({"colour": "red"})).unwrap_err();
        let body = serde_json::to_value(error.body()).unwrap();
        let fields: Vec<&str> = body["details"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|field| field["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["arguments.id", "arguments.colour"]);

        assert!(call("listProducts", json!({"limit": [1, 2]})).is_err());
    }
}
