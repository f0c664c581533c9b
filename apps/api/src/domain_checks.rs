//! Store domains stay proven: every `DOMAIN_CHECK_INTERVAL_SECONDS` the api looks up the TXT
//! record of every hostname proven by DNS, verifying pending ones whose record appeared and
//! taking verified ones whose record is gone off the storefront (each change audited, by the
//! system). Safe with several instances: identity makes each change by one conditional update.

use identity::IdentityError;
use identity::store_domains::DomainCheck;

use crate::background::{self, Periodic};
use crate::state::AppState;

/// Checks every store domain once now (tests run it themselves).
pub async fn check_store_domains(state: &AppState) -> Result<DomainCheck, IdentityError> {
    state.identity.check_store_domains(state.dns.as_ref()).await
}

/// Checks periodically, unless the interval is 0.
pub(crate) fn start(state: AppState) -> Option<Periodic> {
    let every = state.settings.domain_check_interval?;
    Some(background::every(
        every,
        "the check of store domains",
        move || {
            let state = state.clone();
            async move {
                let check = check_store_domains(&state).await?;
                if check.verified > 0 || check.unverified > 0 {
                    tracing::info!(
                        checked = check.checked,
                        verified = check.verified,
                        unverified = check.unverified,
                        "store domains checked"
                    );
                }
                Ok::<(), IdentityError>(())
            }
        },
    ))
}
