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
    /// Asks `server` (UDP), or the system's name servers when `None`.
    pub fn new(server: Option<SocketAddr>) -> anyhow::Result<Self> {
        let mut options = ResolverOpts::default();
        options.cache_size = 0;
        options.timeout = Duration::from_secs(2);
        options.attempts = 1;
        let builder = match server {
            Some(address) => {
                let mut server = NameServerConfig::udp(address.ip());
                for connection in &mut server.connections {
                    connection.port = address.port();
                }
                let config = ResolverConfig::from_parts(None, Vec::new(), vec![server]);
                Resolver::builder_with_config(config, TokioRuntimeProvider::default())
            }
            None => Resolver::builder_tokio()?,
        };
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
