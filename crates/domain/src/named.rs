//! Enums whose values have one stable snake_case name each, in JSON, in the database and in text.

/// Defines an enum with `ALL`, `as_str`, `Display`, `FromStr` (failing with `$error`), serde and
/// (with the `openapi` feature) an OpenAPI schema, all under the given names.
macro_rules! named_enum {
    (
        $(#[doc = $doc:literal])*
        $ty:ident, unknown: $error:ident {
            $($(#[$variant_doc:meta])* $variant:ident => $name:literal),+ $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash,
            serde::Serialize, serde::Deserialize,
        )]
        pub enum $ty {
            $($(#[$variant_doc])* #[serde(rename = $name)] $variant),+
        }

        impl $ty {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $name),+ }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($name => Ok(Self::$variant),)+
                    other => Err($error(other.to_owned())),
                }
            }
        }

        // Written by hand: utoipa's derive does not see a `serde(rename)` made by a macro, and
        // documented the Rust names (`PendingPayment`) where the wire says `pending_payment`.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let description: Vec<&str> = [$($doc),*].iter().map(|line| line.trim()).collect();
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some(description.join("\n")))
                    .enum_values(Some([$($name),+]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $ty {}
    };
}

/// Defines the error of a [`named_enum!`] for a name it does not know: the name, and `message`
/// (with `{}` for the name) as its text.
macro_rules! unknown_name {
    ($(#[doc = $doc:literal])* $ty:ident, $message:literal) => {
        $(#[doc = $doc])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct $ty(pub String);

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, $message, self.0)
            }
        }

        impl std::error::Error for $ty {}
    };
}

pub(crate) use {named_enum, unknown_name};
