//! Cursor pagination: newest first, by UUIDv7 id, so a page never shifts when rows are added.
//! Every list of the api pages this way, with one cursor format.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait, QueryFilter as _, QueryOrder as _,
    QuerySelect as _, Select,
};
use uuid::Uuid;

/// A `limit` or `cursor` that no page can have (→ 400 on that field).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field} {message}")]
pub struct InvalidPage {
    pub field: &'static str,
    pub message: String,
}

pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

/// A validated page request: at most `limit` rows older than `before`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: u64,
    pub before: Option<Uuid>,
}

impl PageRequest {
    /// Checks `limit` (1 to 100, default 20) and decodes the opaque `cursor`.
    pub fn parse(limit: Option<u32>, cursor: Option<&str>) -> Result<Self, InvalidPage> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(InvalidPage {
                field: "limit",
                message: format!("must be 1 to {MAX_LIMIT}"),
            });
        }
        let before = cursor
            .map(|cursor| {
                decode(cursor).ok_or_else(|| InvalidPage {
                    field: "cursor",
                    message: "is not a cursor of this list".to_owned(),
                })
            })
            .transpose()?;
        Ok(Self {
            limit: u64::from(limit),
            before,
        })
    }

    /// How many rows to fetch: one more than the page, to know whether another follows.
    #[must_use]
    pub const fn fetch(&self) -> u64 {
        self.limit + 1
    }

    /// Cuts the fetched rows to the page and answers the cursor of the next one.
    pub fn finish<T>(&self, rows: &mut Vec<T>, id: impl Fn(&T) -> Uuid) -> Option<String> {
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        if rows.len() <= limit {
            return None;
        }
        rows.truncate(limit);
        rows.last().map(|row| encode(id(row)))
    }
}

/// One page of `select`, newest first by the UUIDv7 column `id`, and the cursor of the next page.
pub(crate) async fn fetch<E: EntityTrait>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    id: E::Column,
    page: PageRequest,
    id_of: impl Fn(&E::Model) -> Uuid,
) -> Result<(Vec<E::Model>, Option<String>), DbErr> {
    let select = match page.before {
        Some(before) => select.filter(id.lt(before)),
        None => select,
    };
    let mut rows = select.order_by_desc(id).limit(page.fetch()).all(db).await?;
    let next = page.finish(&mut rows, id_of);
    Ok((rows, next))
}

/// The id's 16 bytes in base64url: opaque to clients, and exactly what
/// `domain::text::CURSOR_PATTERN` documents.
fn encode(id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(id.as_bytes())
}

fn decode(cursor: &str) -> Option<Uuid> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    Uuid::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let id = Uuid::now_v7();
        let page = PageRequest::parse(Some(5), Some(&encode(id))).unwrap();
        assert_eq!(page.before, Some(id));
        for bad in [
            "",
            "nope",
            "c1:abc",
            &URL_SAFE_NO_PAD.encode("c1:not-a-uuid"),
            &id.to_string(),
            // 16 bytes, but with trailing bits set: not how any cursor is spelled.
            "AAAAAAAAAAAAAAAAAAAAAB",
        ] {
            assert!(PageRequest::parse(None, Some(bad)).is_err(), "{bad}");
        }
        for bad in [0, 101, u32::MAX] {
            assert!(PageRequest::parse(Some(bad), None).is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        /// Every string of the documented shape is a cursor, and nothing else is.
        #[test]
        fn the_documented_pattern_is_exactly_the_cursors(raw in "[A-Za-z0-9_-]{20,23}|\\PC{0,24}") {
            let pattern = regex::Regex::new(domain::text::CURSOR_PATTERN).unwrap();
            proptest::prop_assert_eq!(pattern.is_match(&raw), decode(&raw).is_some(), "{:?}", raw);
        }

        #[test]
        fn cursors_have_the_documented_shape(bytes in proptest::array::uniform16(0u8..)) {
            let pattern = regex::Regex::new(domain::text::CURSOR_PATTERN).unwrap();
            proptest::prop_assert!(pattern.is_match(&encode(Uuid::from_bytes(bytes))));
        }
    }

    #[test]
    fn a_page_is_cut_and_points_at_the_next() {
        let page = PageRequest::parse(Some(2), None).unwrap();
        let ids: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
        let mut rows = ids.clone();
        let next = page.finish(&mut rows, |id| *id);
        assert_eq!(rows, ids[..2]);
        assert_eq!(decode(&next.unwrap()), Some(ids[1]));
        let mut short = ids[..2].to_vec();
        assert_eq!(page.finish(&mut short, |id| *id), None);
    }
}
