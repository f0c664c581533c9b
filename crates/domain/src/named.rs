//! Enums whose values have one stable snake_case name each, in JSON, in the database and in text.

/// Defines an enum with `ALL`, `as_str`, `Display`, `FromStr` (failing with `$error`) and serde
/// under the given names.
macro_rules! named_enum {
    (
        $(#[$doc:meta])*
        $ty:ident, unknown: $error:ident {
            $($(#[$variant_doc:meta])* $variant:ident => $name:literal),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash,
            serde::Serialize, serde::Deserialize,
        )]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    };
}

pub(crate) use named_enum;
