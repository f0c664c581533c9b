//! JSON request bodies as the document describes them: an object, never the array serde would
//! also read a struct from (`[null, null]` is not an `UpdateCustomerRequest`).

use std::marker::PhantomData;
use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::http::header::{CONTENT_LENGTH, TRANSFER_ENCODING};
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use serde::de::{self, DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// A body that is a JSON object of `T`'s shape, under the app's `JsonConfig` (content type, size
/// limit and error envelopes as for `web::Json`).
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = web::Json::<Object<T>>::from_request(req, payload);
        Box::pin(async move { Ok(Self(json.await?.into_inner().0)) })
    }
}

/// A body the client may leave out: no body, or `null`, is `None`; anything else must be a JSON
/// object of the shape (unlike `Option<web::Json<T>>`, which takes a malformed body for none).
#[derive(Debug)]
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let headers = req.headers();
        let no_body = headers.get(CONTENT_LENGTH).map_or_else(
            || !headers.contains_key(TRANSFER_ENCODING),
            |length| length.as_bytes() == b"0",
        );
        if no_body {
            return Box::pin(async { Ok(Self(None)) });
        }
        let json = web::Json::<Option<Object<T>>>::from_request(req, payload);
        Box::pin(async move {
            let body = json.await?.into_inner();
            Ok(Self(body.map(|object| object.0)))
        })
    }
}

/// `T`, read only from a JSON object.
struct Object<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
            type Value = T;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map))
            }
        }

        deserializer
            .deserialize_map(ObjectVisitor(PhantomData))
            .map(Object)
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::StatusCode;
    use actix_web::{App, HttpResponse, test};
    use serde_json::{Value, json};

    use super::*;
    use crate::json_config;

    #[derive(Debug, Deserialize)]
    struct Patch {
        name: Option<String>,
    }

    async fn status_of(route: &str, body: Option<&str>) -> (StatusCode, Value) {
        let app = test::init_service(
            App::new()
                .app_data(json_config(1024))
                .route(
                    "/strict",
                    web::post().to(|body: Json<Patch>| async move {
                        HttpResponse::Ok().json(json!({ "name": body.name }))
                    }),
                )
                .route(
                    "/optional",
                    web::post().to(|OptionalJson(body): OptionalJson<Patch>| async move {
                        HttpResponse::Ok().json(json!({ "name": body.and_then(|body| body.name) }))
                    }),
                ),
        )
        .await;
        let mut request = test::TestRequest::post().uri(route);
        if let Some(body) = body {
            request = request
                .insert_header(("content-type", "application/json"))
                .set_payload(body.to_owned());
        }
        let response = test::call_service(&app, request.to_request()).await;
        let status = response.status();
        let body: Value =
            serde_json::from_slice(&test::read_body(response).await).unwrap_or_default();
        (status, body)
    }

    #[actix_web::test]
    async fn an_object_is_read_and_an_array_refused() {
        let (status, body) = status_of("/strict", Some(r#"{"name": "Ada"}"#)).await;
        assert_eq!(
            (status, body["name"].as_str()),
            (StatusCode::OK, Some("Ada"))
        );
        for refused in [r#"["Ada"]"#, "[null]", "null", "3"] {
            let (status, body) = status_of("/strict", Some(refused)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
            assert_eq!(body["code"], "VALIDATION_ERROR", "{refused}");
        }
    }

    #[actix_web::test]
    async fn an_optional_body_may_be_absent_or_null_but_never_malformed() {
        for absent in [None, Some("null")] {
            let (status, body) = status_of("/optional", absent).await;
            assert_eq!(
                (status, &body["name"]),
                (StatusCode::OK, &Value::Null),
                "{absent:?}"
            );
        }
        let (status, body) = status_of("/optional", Some(r#"{"name": "Ada"}"#)).await;
        assert_eq!(
            (status, body["name"].as_str()),
            (StatusCode::OK, Some("Ada"))
        );
        for refused in ["{", r#"["Ada"]"#, r#"{"name": 3}"#] {
            let (status, _) = status_of("/optional", Some(refused)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
        }
    }
}
