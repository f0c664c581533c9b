//! TXT lookups for the proof of store domains, by hickory's resolver: the system's configuration,
//! or the name server `DNS_RESOLVER` names (tests start one of their own). Answers are not
//! cached, so that a record added or removed is seen at the next check.

use std::net::SocketAddr;
use std::time::Duration;

use async_trait::async_trait;
use hickory_resolver::Resolver;
use hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::RData;
use identity::store_domains::{DnsUnavailable, TxtLookup};

/// A resolver of TXT records.
#[derive(Debug)]
pub struct HickoryTxt(Resolver<TokioRuntimeProvider>);

impl HickoryTxt {
    /// Asks `server` (UDP), or the system's name servers when `None`. A machine without a DNS
    /// configuration still starts: every lookup then fails (verifying a domain is a 503) and a
    /// warning says to set `DNS_RESOLVER`.
    pub fn new(server: Option<SocketAddr>) -> anyhow::Result<Self> {
        let config = match server {
            Some(address) => {
                let mut server = NameServerConfig::udp(address.ip());
                for connection in &mut server.connections {
                    connection.port = address.port();
                }
                ResolverConfig::from_parts(None, Vec::new(), vec![server])
            }
            None => match Resolver::builder_tokio() {
                Ok(system) => return Self::built(system),
                Err(error) => {
                    tracing::warn!(
                        error = %error,
                        "no system DNS configuration: store domains cannot be verified until \
                         DNS_RESOLVER names a name server"
                    );
                    ResolverConfig::from_parts(None, Vec::new(), Vec::new())
                }
            },
        };
        Self::built(Resolver::builder_with_config(
            config,
            TokioRuntimeProvider::default(),
        ))
    }

    fn built(
        builder: hickory_resolver::ResolverBuilder<TokioRuntimeProvider>,
    ) -> anyhow::Result<Self> {
        let mut options = ResolverOpts::default();
        options.cache_size = 0;
        options.timeout = Duration::from_secs(2);
        options.attempts = 1;
        Ok(Self(builder.with_options(options).build()?))
    }
}

#[async_trait]
impl TxtLookup for HickoryTxt {
    async fn txt(&self, name: &str) -> Result<Vec<String>, DnsUnavailable> {
        // A fully qualified name: no search domains appended.
        let fqdn = format!("{}.", name.trim_end_matches('.'));
        match self.0.txt_lookup(fqdn).await {
            Ok(lookup) => Ok(lookup
                .answers()
                .iter()
                .filter_map(|record| match &record.data {
                    RData::TXT(txt) => Some(
                        txt.txt_data
                            .iter()
                            .map(|part| String::from_utf8_lossy(part))
                            .collect::<String>(),
                    ),
                    _ => None,
                })
                .collect()),
            Err(error) if error.is_no_records_found() || error.is_nx_domain() => Ok(Vec::new()),
            Err(error) => Err(DnsUnavailable(error.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn without_name_servers_every_lookup_is_unavailable() {
        let config = ResolverConfig::from_parts(None, Vec::new(), Vec::new());
        let resolver = HickoryTxt::built(Resolver::builder_with_config(
            config,
            TokioRuntimeProvider::default(),
        ))
        .unwrap();
        assert!(
            resolver
                .txt("_commerce-verification.shop.example.com")
                .await
                .is_err()
        );
    }
}
