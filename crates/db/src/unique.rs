//! The schema's unique indexes, by name, so that a refused write is told apart by which index
//! refused it — never by searching an error's text for a column name. PostgreSQL names the index;
//! SQLite names its columns (`UNIQUE constraint failed: product.organization_id, product.handle`).

use sea_orm::{DbErr, RuntimeErr};

/// A unique index, as the migrations create it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UniqueIndex {
    pub name: &'static str,
    table: &'static str,
    columns: &'static [&'static str],
}

/// A product's handle, unique in its store.
pub const PRODUCT_HANDLE: UniqueIndex = UniqueIndex {
    name: "ux_product_handle",
    table: "product",
    columns: &["organization_id", "handle"],
};

/// A variant's SKU, unique in its store.
pub const VARIANT_SKU: UniqueIndex = UniqueIndex {
    name: "ux_variant_sku",
    table: "product_variant",
    columns: &["organization_id", "sku"],
};

impl UniqueIndex {
    /// Whether `error` is this index refusing a duplicate.
    #[must_use]
    pub fn refused(&self, error: &DbErr) -> bool {
        let (DbErr::Exec(RuntimeErr::SqlxError(sqlx::Error::Database(error)))
        | DbErr::Query(RuntimeErr::SqlxError(sqlx::Error::Database(error)))) = error
        else {
            return false;
        };
        if error.kind() != sqlx::error::ErrorKind::UniqueViolation {
            return false;
        }
        match error.constraint() {
            Some(name) => name == self.name,
            None => {
                error.message().strip_prefix("UNIQUE constraint failed: ")
                    == Some(&self.sqlite_columns())
            }
        }
    }

    /// How SQLite lists the index's columns when it refuses a write.
    fn sqlite_columns(&self) -> String {
        self.columns
            .iter()
            .map(|column| format!("{}.{column}", self.table))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_names_the_columns_of_the_index() {
        assert_eq!(
            PRODUCT_HANDLE.sqlite_columns(),
            "product.organization_id, product.handle"
        );
        assert!(
            !VARIANT_SKU.refused(&DbErr::Custom(
                "UNIQUE constraint failed: product_variant.organization_id, product_variant.sku"
                    .to_owned()
            ))
        );
    }
}
