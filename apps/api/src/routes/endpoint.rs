//! One path and the methods it serves. Any other method is a 405 whose `Allow` names them, as
//! RFC 9110 §15.5.6 asks, so a client learns what the path does serve.

use std::sync::Arc;

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::http::Method;
use actix_web::{FromRequest, Handler, HttpResponse, Resource, Responder, web};
use api_http::ApiError;

/// A path being registered, with the methods given so far.
pub struct Endpoint {
    resource: Resource,
    allowed: Vec<Method>,
}

/// Starts the routes of `path`.
pub fn endpoint(path: &str) -> Endpoint {
    Endpoint {
        resource: web::resource(path),
        allowed: Vec::new(),
    }
}

/// `get`, `post`, … : one route of that method.
macro_rules! method_routes {
    ($($name:ident => $method:ident),+ $(,)?) => {
        $(
            pub fn $name<F, Args>(self, handler: F) -> Self
            where
                F: Handler<Args>,
                Args: FromRequest + 'static,
                F::Output: Responder + 'static,
            {
                self.on(Method::$method, handler)
            }
        )+
    };
}

impl Endpoint {
    method_routes!(get => GET, post => POST, patch => PATCH, delete => DELETE);

    /// Data for this path's handlers only (a larger body limit…).
    pub fn app_data<U: 'static>(mut self, data: U) -> Self {
        self.resource = self.resource.app_data(data);
        self
    }

    /// The finished resource, its 405 in place (for a caller that wraps it in middleware).
    pub fn into_resource(self) -> Resource {
        let allowed = Arc::new(self.allowed);
        self.resource.default_service(web::to(move || {
            let allowed = Arc::clone(&allowed);
            async move { Err::<HttpResponse, _>(ApiError::method_not_allowed(&allowed)) }
        }))
    }

    fn on<F, Args>(mut self, method: Method, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.resource = self.resource.route(web::method(method.clone()).to(handler));
        self.allowed.push(method);
        self
    }
}

impl HttpServiceFactory for Endpoint {
    fn register(self, config: &mut AppService) {
        self.into_resource().register(config);
    }
}
