//! `GET /v1/whoami`: what the api saw of the caller.

use std::collections::{BTreeMap, BTreeSet};

use domain::{CallerKind, Scope};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

/// The resolved caller: which kind of credential, for which store, with which scopes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Whoami {
    pub kind: CallerKind,
    pub organization_id: Uuid,
    pub scopes: BTreeSet<Scope>,
    /// The user behind a session or an agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<Uuid>,
    /// The key, session or agent that authenticated (its id), or the storefront's hostname.
    pub principal_id: String,
    /// The operationIds an agent was granted; absent for every other kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<BTreeSet<String>>,
    /// Limits on the input of some of an agent's capabilities, by operationId.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(value_type = Object)]
    pub constraints: BTreeMap<String, Value>,
}
