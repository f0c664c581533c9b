//! The capabilities an agent can be granted: every `/v1` operation of the OpenAPI document the api
//! serves, read from that document once at start — never a second, hand-kept list.

use std::collections::{BTreeMap, HashMap};

use actix_web::http::Method;
use api_types::operations;
use identity::agents::CapabilityPolicy;
use resolve_caller::Scope;
use serde_json::{Value, json};

/// One operation an agent can be granted and execute.
#[derive(Clone, Debug)]
pub struct Capability {
    /// The operationId.
    pub name: String,
    pub method: Method,
    /// The path template, e.g. `/v1/carts/{id}/items`.
    pub path: String,
    pub policy: CapabilityPolicy,
    /// Names of the `{…}` segments of `path`, in order.
    pub path_parameters: Vec<String>,
    /// Names of the query parameters the operation reads.
    pub query_parameters: Vec<String>,
    /// Whether the operation reads a JSON body.
    pub takes_body: bool,
    /// The top-level fields of its JSON body: what an approval may constrain.
    pub body_fields: Vec<String>,
    summary: Value,
    parameters: Value,
    body_schema: Value,
}

impl Capability {
    /// As `capabilities` and `describe_capability` show it: name, summary, method and path, scope,
    /// approval, and its input (parameters and JSON body schema, with `$ref`s into `/openapi.json`).
    #[must_use]
    pub fn described(&self) -> Value {
        json!({
            "name": self.name,
            "description": self.summary,
            "method": self.method.as_str(),
            "path": self.path,
            "scope": self.policy.scope,
            "approval": if self.policy.auto_granted { "none" } else { "user" },
            "input": {
                "parameters": self.parameters,
                "body": self.body_schema,
            },
        })
    }
}

/// Every capability, by name.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    by_name: BTreeMap<String, Capability>,
}

impl Catalog {
    /// Whether the operation `name` at `path` is a capability: every operation under `/v1` but the
    /// payment webhooks (a checkout app's, never an agent's) and `whoami` (every caller may ask who
    /// it is). The OpenAPI document lists the same names as `CapabilityName`.
    #[must_use]
    pub fn is_capability(path: &str, name: &str) -> bool {
        path.starts_with("/v1/") && !path.starts_with("/v1/webhooks/") && name != operations::WHOAMI
    }

    /// The capabilities of the api's own OpenAPI document.
    pub fn of_this_api() -> Result<Self, serde_json::Error> {
        let document =
            serde_json::to_value(<crate::openapi::ApiDoc as utoipa::OpenApi>::openapi())?;
        Ok(Self::from_document(&document))
    }

    /// Every operation with an operationId that [`Self::is_capability`].
    #[must_use]
    pub fn from_document(document: &Value) -> Self {
        let mut by_name = BTreeMap::new();
        for (path, item) in document["paths"].as_object().into_iter().flatten() {
            let scope = if path.starts_with("/v1/admin/") {
                Scope::Admin
            } else {
                Scope::Storefront
            };
            for (method, operation) in item.as_object().into_iter().flatten() {
                let Some(name) = operation["operationId"].as_str() else {
                    continue;
                };
                let Ok(method) = Method::from_bytes(method.to_ascii_uppercase().as_bytes()) else {
                    continue;
                };
                if !Self::is_capability(path, name) {
                    continue;
                }
                let auto_granted = scope == Scope::Storefront
                    && (method == Method::GET || name == operations::CREATE_CART);
                let parameters = operation.get("parameters").cloned().unwrap_or_default();
                let names_in = |location: &str| -> Vec<String> {
                    parameters
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter(|parameter| parameter["in"] == location)
                        .filter_map(|parameter| parameter["name"].as_str().map(str::to_owned))
                        .collect()
                };
                let body_schema = resolved(
                    document,
                    &operation["requestBody"]["content"]["application/json"]["schema"],
                )
                .clone();
                let body_fields = top_level_fields(&body_schema);
                let capability = Capability {
                    name: name.to_owned(),
                    body_fields,
                    path_parameters: template_segments(path),
                    query_parameters: names_in("query"),
                    takes_body: !body_schema.is_null(),
                    method,
                    path: path.clone(),
                    policy: CapabilityPolicy {
                        scope,
                        auto_granted,
                    },
                    summary: operation["summary"].clone(),
                    parameters,
                    body_schema,
                };
                by_name.insert(name.to_owned(), capability);
            }
        }
        Self { by_name }
    }

    /// The capabilities granted without a user are exactly `names` (`AGENT_AUTO_GRANT`) instead
    /// of the default (storefront reads and `createCart`). Admin capabilities always need a user.
    pub fn auto_granting(mut self, names: &[String]) -> Result<Self, String> {
        for name in names {
            match self.by_name.get(name) {
                None => return Err(format!("`{name}` is not a capability")),
                Some(capability) if capability.policy.scope == Scope::Admin => {
                    return Err(format!(
                        "`{name}` is an admin capability: a user must grant it"
                    ));
                }
                Some(_) => {}
            }
        }
        for capability in self.by_name.values_mut() {
            capability.policy.auto_granted = names.contains(&capability.name);
        }
        Ok(self)
    }

    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Capability> {
        self.by_name.get(name)
    }

    /// In name order.
    pub fn iter(&self) -> impl Iterator<Item = &Capability> {
        self.by_name.values()
    }

    /// What identity needs to know of each: its scope and whether it is granted without a user.
    #[must_use]
    pub fn policies(&self) -> HashMap<String, CapabilityPolicy> {
        self.iter()
            .map(|capability| (capability.name.clone(), capability.policy))
            .collect()
    }
}

/// A body schema with its one `$ref` followed into the document's components, so that a
/// capability's description stands on its own (an approval page reads its fields).
fn resolved<'a>(document: &'a Value, schema: &'a Value) -> &'a Value {
    schema["$ref"]
        .as_str()
        .and_then(|reference| reference.strip_prefix("#/components/schemas/"))
        .map_or(schema, |name| &document["components"]["schemas"][name])
}

/// The properties of a (resolved) body schema.
fn top_level_fields(schema: &Value) -> Vec<String> {
    schema["properties"]
        .as_object()
        .map(|properties| properties.keys().cloned().collect())
        .unwrap_or_default()
}

impl Capability {
    /// Constraints an approval sets on this capability may name only fields of its JSON body:
    /// path and query parameters are not checked against constraints, and a misspelt field would
    /// refuse every call.
    pub fn check_constraints(&self, constraints: &Value) -> Result<(), String> {
        let Some(fields) = constraints.as_object() else {
            return Ok(());
        };
        match fields
            .keys()
            .find(|field| !self.body_fields.contains(field))
        {
            None => Ok(()),
            Some(field) if self.body_fields.is_empty() => Err(format!(
                "`{}` takes no JSON body, so `{field}` cannot be constrained",
                self.name
            )),
            Some(field) => Err(format!(
                "`{field}` is not a field of `{}`'s input ({})",
                self.name,
                self.body_fields.join(", ")
            )),
        }
    }
}

/// The names of a path template's `{…}` segments.
fn template_segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_names_exactly_the_capabilities_of_the_catalog() {
        let document =
            serde_json::to_value(<crate::openapi::ApiDoc as utoipa::OpenApi>::openapi()).unwrap();
        let documented: Vec<&str> = document["components"]["schemas"]["CapabilityName"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|name| name.as_str().unwrap())
            .collect();
        let catalog = Catalog::of_this_api().unwrap();
        let mut served: Vec<&str> = catalog
            .iter()
            .map(|capability| capability.name.as_str())
            .collect();
        served.sort_unstable();
        assert_eq!(documented, served);
    }

    #[test]
    fn every_v1_operation_but_whoami_and_webhooks_is_a_capability() {
        let catalog = Catalog::of_this_api().unwrap();
        assert!(catalog.get(operations::WHOAMI).is_none());
        assert!(catalog.get(operations::RECEIVE_PAYMENT_WEBHOOK).is_none());
        let refund = catalog.get(operations::ADMIN_REFUND_ORDER).unwrap();
        assert_eq!(refund.method, Method::POST);
        assert_eq!(refund.path_parameters, ["id"]);
        assert!(refund.takes_body);
        assert_eq!(refund.policy.scope, Scope::Admin);
        assert!(!refund.policy.auto_granted);
        let list = catalog.get(operations::LIST_PRODUCTS).unwrap();
        assert!(list.policy.auto_granted);
        assert!(list.query_parameters.iter().any(|name| name == "limit"));
        assert!(!list.takes_body);
        assert!(
            catalog
                .get(operations::CREATE_CART)
                .unwrap()
                .policy
                .auto_granted
        );
        assert!(
            !catalog
                .get(operations::PLACE_ORDER)
                .unwrap()
                .policy
                .auto_granted
        );
        // The storefront edge's reads are storefront GETs, so granted without a user.
        for name in [
            operations::GET_STOREFRONT,
            operations::GET_PRODUCT_BY_HANDLE,
        ] {
            let read = catalog.get(name).unwrap();
            assert_eq!(read.method, Method::GET, "{name}");
            assert_eq!(read.policy.scope, Scope::Storefront, "{name}");
            assert!(read.policy.auto_granted, "{name}");
            assert!(!read.takes_body, "{name}");
        }
        assert_eq!(
            catalog
                .get(operations::GET_PRODUCT_BY_HANDLE)
                .unwrap()
                .path_parameters,
            ["handle"]
        );
    }

    #[test]
    fn what_is_granted_without_a_user_is_configuration_within_the_storefront() {
        let catalog = Catalog::of_this_api().unwrap();
        let narrowed = catalog
            .clone()
            .auto_granting(&[operations::GET_PRODUCT.to_owned()])
            .unwrap();
        assert!(
            narrowed
                .get(operations::GET_PRODUCT)
                .unwrap()
                .policy
                .auto_granted
        );
        assert!(
            !narrowed
                .get(operations::LIST_PRODUCTS)
                .unwrap()
                .policy
                .auto_granted
        );
        assert!(
            catalog
                .clone()
                .auto_granting(&[operations::ADMIN_GET_STATS.to_owned()])
                .is_err()
        );
        assert!(catalog.auto_granting(&["nothing".to_owned()]).is_err());
    }

    #[test]
    fn constraints_name_fields_of_the_body() {
        let catalog = Catalog::of_this_api().unwrap();
        let refund = catalog.get(operations::ADMIN_REFUND_ORDER).unwrap();
        assert!(refund.body_fields.iter().any(|field| field == "amount"));
        assert!(
            refund
                .check_constraints(&serde_json::json!({"amount": {"max": 5}}))
                .is_ok()
        );
        assert!(
            refund
                .check_constraints(&serde_json::json!({"ammount": {"max": 5}}))
                .is_err()
        );
        let cancel = catalog.get(operations::ADMIN_CANCEL_ORDER).unwrap();
        assert!(
            cancel
                .check_constraints(&serde_json::json!({"id": "x"}))
                .is_err()
        );
    }

    #[test]
    fn template_segments_are_found_in_order() {
        assert_eq!(
            template_segments("/v1/carts/{id}/items/{itemId}"),
            ["id", "itemId"]
        );
        assert!(template_segments("/v1/products").is_empty());
    }
}
