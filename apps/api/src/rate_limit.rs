//! Rate limits on sign-in and sign-up, per client address and per account from one client network
//! (governor's GCRA).
//!
//! Per instance: with N instances a client can make N times the attempts, still bounded.

use std::net::IpAddr;
use std::num::NonZeroU32;

use api_http::ApiError;
use domain::{AgentId, UserId};
use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Keys kept before old ones are pruned.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Debug)]
pub struct RateLimits {
    by_ip: DefaultKeyedRateLimiter<IpAddr>,
    by_account: DefaultKeyedRateLimiter<String>,
    approvals: DefaultKeyedRateLimiter<UserId>,
    agent_registrations: DefaultKeyedRateLimiter<IpAddr>,
    agent_status: DefaultKeyedRateLimiter<String>,
    agent_other: DefaultKeyedRateLimiter<String>,
}

const fn per_minute(n: u32) -> NonZeroU32 {
    match NonZeroU32::new(n) {
        Some(n) => n,
        None => NonZeroU32::MIN,
    }
}

/// Agent Auth's limits a minute (the protocol's suggested defaults; `AGENT_RATE_LIMITS` changes them):
/// registrations per client address, approvals per user (a typed code is guessable only by brute
/// force, which this stops), status polls per agent, every other call per agent (or host address).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AgentRateLimits {
    pub register: NonZeroU32,
    pub approve: NonZeroU32,
    pub status: NonZeroU32,
    pub other: NonZeroU32,
}

impl Default for AgentRateLimits {
    fn default() -> Self {
        Self {
            register: per_minute(10),
            approve: per_minute(5),
            status: per_minute(300),
            other: per_minute(60),
        }
    }
}

impl std::str::FromStr for AgentRateLimits {
    type Err = String;

    /// `register=10,approve=5,status=300,other=60`, any of them (the rest keep their defaults).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut limits = Self::default();
        for pair in text
            .split(',')
            .map(str::trim)
            .filter(|pair| !pair.is_empty())
        {
            let (name, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("`{pair}` is not name=number"))?;
            let value: NonZeroU32 = value
                .trim()
                .parse()
                .map_err(|_| format!("`{pair}`: a limit is a whole number of at least 1"))?;
            match name.trim() {
                "register" => limits.register = value,
                "approve" => limits.approve = value,
                "status" => limits.status = value,
                "other" => limits.other = value,
                other => {
                    return Err(format!(
                        "`{other}` is not register, approve, status or other"
                    ));
                }
            }
        }
        Ok(limits)
    }
}

impl RateLimits {
    /// `per_minute` sign-in attempts per address, half as many (at least one) per account, and
    /// Agent Auth's `agents` limits.
    #[must_use]
    pub fn new(per_minute: NonZeroU32, agents: AgentRateLimits) -> Self {
        let per_account = NonZeroU32::new(per_minute.get() / 2).unwrap_or(NonZeroU32::MIN);
        Self {
            by_ip: RateLimiter::keyed(Quota::per_minute(per_minute)),
            by_account: RateLimiter::keyed(Quota::per_minute(per_account)),
            approvals: RateLimiter::keyed(Quota::per_minute(agents.approve)),
            agent_registrations: RateLimiter::keyed(Quota::per_minute(agents.register)),
            agent_status: RateLimiter::keyed(Quota::per_minute(agents.status)),
            agent_other: RateLimiter::keyed(Quota::per_minute(agents.other)),
        }
    }

    /// One sign-in or sign-up attempt from `ip` for `account` (a normalised email). The account's
    /// limit counts per client network (a /24, or a /64 for IPv6), so guesses from a stranger's
    /// network never lock the account's owner out of theirs; each address has its own limit too.
    pub fn attempt(&self, ip: Option<IpAddr>, account: &str) -> Result<(), ApiError> {
        if let Some(ip) = ip {
            check(&self.by_ip, &ip)?;
        }
        let network = ip.map_or_else(|| "unknown".to_owned(), network_of);
        let key = format!("{}@{network}", account.trim().to_lowercase());
        check(&self.by_account, &key)
    }
}

impl RateLimits {
    /// One request from `ip` that carries no account name (following a link sent by email): only
    /// the address's limit counts.
    pub fn address_attempt(&self, ip: Option<IpAddr>) -> Result<(), ApiError> {
        match ip {
            Some(ip) => check(&self.by_ip, &ip),
            None => Ok(()),
        }
    }
}

/// The client network an address is in: its /24 (IPv4) or /64 (IPv6), as text.
fn network_of(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            format!("{a}.{b}.{c}.0/24")
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => network_of(IpAddr::V4(v4)),
            None => {
                let [a, b, c, d, ..] = v6.segments();
                format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
            }
        },
    }
}

impl RateLimits {
    /// One approval or denial decided by `user`.
    pub fn approval(&self, user: UserId) -> Result<(), ApiError> {
        check(&self.approvals, &user)
    }

    /// One agent registration from `ip`.
    pub fn agent_registration(&self, ip: Option<IpAddr>) -> Result<(), ApiError> {
        ip.map_or(Ok(()), |ip| check(&self.agent_registrations, &ip))
    }

    /// One status poll by an agent.
    pub fn agent_status(&self, agent: AgentId) -> Result<(), ApiError> {
        check(&self.agent_status, &agent.to_string())
    }

    /// One call of a host (with its `host+jwt`) from `ip`: counted by address, as the token is not
    /// verified yet.
    pub fn host_call(&self, ip: Option<IpAddr>) -> Result<(), ApiError> {
        ip.map_or(Ok(()), |ip| check(&self.agent_other, &format!("host@{ip}")))
    }

    /// One status poll of a host (with its `host+jwt`) from `ip`: counted by address, never under
    /// the agent id it names, which anyone could send.
    pub fn host_status(&self, ip: Option<IpAddr>) -> Result<(), ApiError> {
        ip.map_or(Ok(()), |ip| {
            check(&self.agent_status, &format!("host@{ip}"))
        })
    }

    /// One other Agent Auth call by an agent.
    pub fn agent_call(&self, agent: AgentId) -> Result<(), ApiError> {
        check(&self.agent_other, &agent.to_string())
    }
}

fn check<K: std::hash::Hash + Eq + Clone>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
) -> Result<(), ApiError> {
    if limiter.len() > PRUNE_ABOVE {
        limiter.retain_recent();
    }
    limiter.check_key(key).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        ApiError::too_many_requests(wait.as_secs() + 1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_limits_are_read_from_one_variable() {
        let limits: AgentRateLimits = "status=600, other=120".parse().unwrap();
        assert_eq!((limits.status.get(), limits.other.get()), (600, 120));
        assert_eq!((limits.register.get(), limits.approve.get()), (10, 5));
        for bad in ["status=0", "status", "polls=3", "other=x"] {
            assert!(bad.parse::<AgentRateLimits>().is_err(), "{bad}");
        }
    }

    #[test]
    fn attempts_are_limited_per_address_and_per_account() {
        let limits = RateLimits::new(NonZeroU32::new(4).unwrap(), AgentRateLimits::default());
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        assert!(limits.attempt(Some(ip), "a@x.test").is_ok());
        assert!(limits.attempt(Some(ip), "A@x.test ").is_ok());
        assert_eq!(
            limits.attempt(Some(ip), "a@x.test").unwrap_err().code(),
            "RATE_LIMITED"
        );
        assert!(limits.attempt(Some(ip), "b@x.test").is_ok());
        assert_eq!(
            limits.attempt(Some(ip), "c@x.test").unwrap_err().code(),
            "RATE_LIMITED"
        );
        // The account's attempts from another network are counted apart.
        let elsewhere: IpAddr = "198.51.100.9".parse().unwrap();
        assert!(limits.attempt(Some(elsewhere), "a@x.test").is_ok());
    }

    #[test]
    fn networks_are_a_24_or_a_64() {
        let network = |ip: &str| network_of(ip.parse().unwrap());
        assert_eq!(network("203.0.113.7"), network("203.0.113.200"));
        assert_ne!(network("203.0.113.7"), network("203.0.114.7"));
        assert_eq!(network("2001:db8:1:2::1"), network("2001:db8:1:2:ffff::9"));
        assert_ne!(network("2001:db8:1:2::1"), network("2001:db8:1:3::1"));
        assert_eq!(network("::ffff:203.0.113.7"), network("203.0.113.9"));
    }
}
