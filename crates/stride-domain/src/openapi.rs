//! How the API's value types read in the server's OpenAPI document (feature
//! `openapi`): each newtype is the JSON it serializes to (an id a UUID string, a
//! timestamp an RFC 3339 string, an enumeration its names), so the document is derived
//! from the same types the server and the device speak.

use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::{KnownFormat, RefOr};

/// A string schema, with a format or a list of allowed values.
pub fn string(format: Option<KnownFormat>, allowed: Option<&[&str]>, description: &str) -> RefOr<Schema> {
    let mut schema = ObjectBuilder::new().schema_type(Type::String).description(Some(description));
    if let Some(format) = format {
        schema = schema.format(Some(SchemaFormat::KnownFormat(format)));
    }
    if let Some(allowed) = allowed {
        schema = schema.enum_values(Some(allowed.iter().copied()));
    }
    schema.into()
}

/// Implements the schema of a type that serializes to a string.
macro_rules! string_schema {
    ($name:ident, $format:expr, $allowed:expr, $description:expr) => {
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::openapi::string($format, $allowed, $description)
            }
        }
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }
    };
}
pub(crate) use string_schema;
