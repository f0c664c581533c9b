//! A store's domains: claimed under the platform's rules, proven by a DNS TXT record (or given by
//! the platform), checked again from time to time, and removed. Each change is written with its
//! audit record in one transaction, so that no change to which hostnames serve a store goes
//! unrecorded.

use async_trait::async_trait;
use db::TransactionTrait as _;
use db::repo::store_domains::{self, Claim, StoreDomain};
use domain::{DomainProof, DomainStatus, OrgId};
use resolve_caller::Hostname;
use serde_json::json;

use crate::domain_rules::Proof;
use crate::tokens::random_token;
use crate::{Actor, AuditAction, Identity, IdentityError};

/// The TXT record that proves a hostname: its name, and the value it must hold.
#[must_use]
pub fn verification_record(host: &str, token: &str) -> (String, String) {
    (
        format!("_commerce-verification.{host}"),
        format!("commerce-verification={token}"),
    )
}

/// Why a DNS lookup has no answer to give (as opposed to answering that there is no record).
#[derive(Debug, thiserror::Error)]
#[error("the DNS lookup failed: {0}")]
pub struct DnsUnavailable(pub String);

/// Reads TXT records, from the resolver the api is configured with.
#[async_trait]
pub trait TxtLookup: Send + Sync + std::fmt::Debug {
    /// The strings of every TXT record at `name`; none when the name or its records do not
    /// exist.
    async fn txt(&self, name: &str) -> Result<Vec<String>, DnsUnavailable>;
}

/// Whether `host`'s proof is in DNS now.
async fn proven(dns: &dyn TxtLookup, domain: &StoreDomain) -> Result<bool, DnsUnavailable> {
    if domain.verification_token.is_empty() {
        return Ok(false);
    }
    let (name, value) = verification_record(&domain.hostname, &domain.verification_token);
    Ok(dns
        .txt(&name)
        .await?
        .iter()
        .any(|found| found.trim() == value))
}

/// A change of one of an organization's hostnames, as it is audited.
struct Change<'a> {
    org: OrgId,
    host: &'a Hostname,
    action: AuditAction,
}

impl<'a> Change<'a> {
    const fn new(org: OrgId, host: &'a Hostname, action: AuditAction) -> Self {
        Self { org, host, action }
    }
}

/// What a periodic check did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DomainCheck {
    pub checked: usize,
    pub verified: usize,
    pub unverified: usize,
}

impl Identity {
    /// Claims `host` for `org`: refused (400) when the platform's rules forbid it, 409
    /// `HOSTNAME_TAKEN` when this store has it or another has it verified. A name under the
    /// platform's store domain is verified at once; any other waits, `pending`, for its DNS proof.
    pub async fn add_store_domain(
        &self,
        org: OrgId,
        actor: &Actor,
        host: &Hostname,
    ) -> Result<StoreDomain, IdentityError> {
        let proof = self
            .config()
            .store_domains
            .claim(host)
            .map_err(|problem| IdentityError::invalid("hostname", problem))?;
        let claim = match proof {
            Proof::Platform => Claim::Verified(DomainProof::Platform),
            Proof::Dns => Claim::PendingDns {
                token: random_token(),
            },
        };
        let taken =
            || IdentityError::conflict("HOSTNAME_TAKEN", "this hostname is already registered");
        if store_domains::verified_elsewhere(self.db(), org, host).await? {
            return Err(taken());
        }
        let txn = self.db().begin().await.map_err(db::DbError::from)?;
        let domain = store_domains::register(&txn, org, host, claim, self.now())
            .await
            .map_err(|error| match error {
                db::DbError::Conflict(_) => taken(),
                other => other.into(),
            })?;
        let details = json!({ "status": domain.status, "proof": domain.proof });
        let change = Change::new(org, host, AuditAction::StoreDomainAdded);
        self.commit_audited(txn, actor, change, details).await?;
        Ok(domain)
    }

    /// Looks up a pending hostname's TXT record and verifies it when it holds the token: 409
    /// `DNS_RECORD_NOT_FOUND` (naming the record) otherwise, 409 `HOSTNAME_TAKEN` when another
    /// store proved it first. A verified hostname is answered as it is.
    pub async fn verify_store_domain(
        &self,
        org: OrgId,
        actor: &Actor,
        host: &Hostname,
        dns: &dyn TxtLookup,
    ) -> Result<StoreDomain, IdentityError> {
        let domain = store_domains::get(self.db(), org, host)
            .await
            .map_err(IdentityError::not_found_as("store domain"))?;
        if domain.status == DomainStatus::Verified {
            return Ok(domain);
        }
        let now = self.now();
        let found = proven(dns, &domain)
            .await
            .map_err(|error| IdentityError::Unavailable(Box::new(error)))?;
        if !found {
            store_domains::set_checked(self.db(), org, host, now).await?;
            let (name, value) = verification_record(&domain.hostname, &domain.verification_token);
            return Err(IdentityError::conflict(
                "DNS_RECORD_NOT_FOUND",
                format!("no TXT record `{name}` holding `{value}` was found"),
            ));
        }
        let txn = self.db().begin().await.map_err(db::DbError::from)?;
        store_domains::set_verified(&txn, org, host, now)
            .await
            .map_err(IdentityError::conflict_as(
                "HOSTNAME_TAKEN",
                "another store proved this hostname first",
            ))?;
        let change = Change::new(org, host, AuditAction::StoreDomainVerified);
        self.commit_audited(txn, actor, change, json!({})).await?;
        Ok(store_domains::get(self.db(), org, host).await?)
    }

    /// Removes one of `org`'s hostnames; any other is 404.
    pub async fn remove_store_domain(
        &self,
        org: OrgId,
        actor: &Actor,
        host: &Hostname,
    ) -> Result<(), IdentityError> {
        let txn = self.db().begin().await.map_err(db::DbError::from)?;
        store_domains::remove(&txn, org, host)
            .await
            .map_err(IdentityError::not_found_as("store domain"))?;
        let change = Change::new(org, host, AuditAction::StoreDomainRemoved);
        self.commit_audited(txn, actor, change, json!({})).await
    }

    /// Records `change` in `txn`, the transaction that made it, and commits both.
    async fn commit_audited(
        &self,
        txn: db::DatabaseTransaction,
        actor: &Actor,
        change: Change<'_>,
        details: serde_json::Value,
    ) -> Result<(), IdentityError> {
        let subject = Some(change.host.to_string());
        self.record(
            &txn,
            Some(change.org),
            actor,
            change.action,
            subject,
            details,
        )
        .await?;
        txn.commit().await.map_err(db::DbError::from)?;
        Ok(())
    }

    /// Looks up the proof of every hostname proven by DNS, across stores: a pending one whose
    /// record is there is verified, a verified one whose record is gone stops serving (back to
    /// `pending`, with a new token). A lookup that fails changes nothing. Safe with several
    /// instances: each change is one conditional update, made (and audited) once.
    pub async fn check_store_domains(
        &self,
        dns: &dyn TxtLookup,
    ) -> Result<DomainCheck, IdentityError> {
        const BATCH: u64 = 200;
        let mut check = DomainCheck::default();
        let mut after = None;
        loop {
            let batch = store_domains::proven_by_dns(self.db(), after.as_ref(), BATCH).await?;
            let Some((last_org, last)) = batch.last() else {
                return Ok(check);
            };
            after = Some((*last_org, last.hostname.clone()));
            for (org, domain) in batch {
                let Ok(host) = Hostname::parse(&domain.hostname) else {
                    continue;
                };
                match proven(dns, &domain).await {
                    Ok(found) => {
                        check.checked += 1;
                        self.follow_proof(org, &host, &domain, found, &mut check)
                            .await?;
                    }
                    Err(error) => {
                        tracing::warn!(%error, host = %host, "a store domain could not be checked");
                    }
                }
            }
        }
    }

    async fn follow_proof(
        &self,
        org: OrgId,
        host: &Hostname,
        domain: &StoreDomain,
        found: bool,
        check: &mut DomainCheck,
    ) -> Result<(), IdentityError> {
        let now = self.now();
        let txn = self.db().begin().await.map_err(db::DbError::from)?;
        let changed = match (domain.status, found) {
            (DomainStatus::Pending, true) => {
                match store_domains::set_verified(&txn, org, host, now).await {
                    Ok(changed) => changed.then_some(AuditAction::StoreDomainVerified),
                    // Another store proved it first: this claim stays pending. (The refused
                    // statement ended the transaction on PostgreSQL.)
                    Err(db::DbError::Conflict(_)) => {
                        drop(txn);
                        store_domains::set_checked(self.db(), org, host, now).await?;
                        return Ok(());
                    }
                    Err(other) => return Err(other.into()),
                }
            }
            (DomainStatus::Verified, false) => {
                store_domains::set_pending(&txn, org, host, &random_token(), now)
                    .await?
                    .then_some(AuditAction::StoreDomainUnverified)
            }
            _ => None,
        };
        let Some(action) = changed else {
            store_domains::set_checked(&txn, org, host, now).await?;
            txn.commit().await.map_err(db::DbError::from)?;
            return Ok(());
        };
        if action == AuditAction::StoreDomainVerified {
            check.verified += 1;
        } else {
            check.unverified += 1;
        }
        let change = Change::new(org, host, action);
        self.commit_audited(txn, &Actor::system(), change, json!({}))
            .await
    }
}
