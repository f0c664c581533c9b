//! Key rotation, the same for hosts and agents: the new key is checked, written and audited in
//! one transaction, and a key some other host (or agent) has is refused.

use db::TransactionTrait as _;
use db::repo::agents::{self, Host, IdentityKey, KeyOwner};
use serde_json::json;

use crate::IdentityError;
use crate::agent_lifecycle::{check_key, host_actor};
use crate::agents::{AgentAuth, thumbprint};
use crate::audit::AuditAction;

impl AgentAuth {
    /// Replaces `owner`'s key `old` with the Ed25519 key `public_key_x`, on behalf of `host` (the
    /// owner itself, or the host of the agent). Answers the new key.
    pub(crate) async fn rotate_key(
        &self,
        host: &Host,
        owner: KeyOwner,
        old: &IdentityKey,
        public_key_x: &str,
    ) -> Result<IdentityKey, IdentityError> {
        check_key(public_key_x)?;
        let new = IdentityKey {
            thumbprint: thumbprint(public_key_x),
            public_key_x: public_key_x.to_owned(),
        };
        let (action, subject, in_use) = match owner {
            KeyOwner::Host(id) => (
                AuditAction::AgentHostKeyRotated,
                id.to_string(),
                "another host already has this key",
            ),
            KeyOwner::Agent(id) => (
                AuditAction::AgentKeyRotated,
                id.to_string(),
                "another agent already has this key",
            ),
        };
        let identity = self.identity();
        let txn = identity.db().begin().await.map_err(db::DbError::from)?;
        agents::set_key(&txn, host.org_id, owner, &new, identity.now())
            .await
            .map_err(IdentityError::conflict_as("KEY_IN_USE", in_use))?;
        let details = json!({ "from": old.thumbprint, "to": new.thumbprint });
        identity
            .record(
                &txn,
                Some(host.org_id),
                &host_actor(host),
                action,
                Some(subject),
                details,
            )
            .await?;
        txn.commit().await.map_err(db::DbError::from)?;
        Ok(new)
    }
}
