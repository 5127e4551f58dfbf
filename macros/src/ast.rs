//! A typed view of the derive input that keeps the original syn nodes for
//! spans.

use syn::ext::IdentExt as _;
use syn::{Data, DeriveInput, Fields, Ident, Type};

use crate::attr::{FieldAttrs, StructAttrs};
use crate::ctxt::Ctxt;
use crate::sql;

pub(crate) struct Model<'a> {
    pub(crate) input: &'a DeriveInput,
    pub(crate) attrs: StructAttrs,
    /// The table's SQL name.
    pub(crate) table: String,
    pub(crate) fields: Vec<Field<'a>>,
}

pub(crate) struct Field<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
    pub(crate) attrs: FieldAttrs,
    /// The column's SQL name (`None` for a skipped field).
    pub(crate) column: Option<String>,
}

impl<'a> Model<'a> {
    /// Reads the input; `None` when it is not a struct with named fields (the
    /// error is in `cx`).
    pub(crate) fn from_syn(cx: &Ctxt, input: &'a DeriveInput) -> Option<Self> {
        let fields = match &input.data {
            Data::Struct(data) => {
                match &data.fields {
                    Fields::Named(named) => &named.named,
                    Fields::Unnamed(unnamed) => {
                        cx.error_spanned_by(unnamed, "`Model` needs a struct with named fields; each field is a column and its name is the column's name");
                        return None;
                    }
                    Fields::Unit => {
                        cx.error_spanned_by(&input.ident, "`Model` needs a struct with named fields; a unit struct has no columns");
                        return None;
                    }
                }
            }
            Data::Enum(data) => {
                cx.error_spanned_by(data.enum_token, "`Model` can only be derived for structs; to store an enum in a column, implement `stillroom::ColumnType` for it");
                return None;
            }
            Data::Union(data) => {
                cx.error_spanned_by(
                    data.union_token,
                    "`Model` can only be derived for structs, not unions",
                );
                return None;
            }
        };
        let attrs = StructAttrs::parse(cx, &input.attrs);
        let table = match attrs.table.get() {
            Some(lit) => lit.value(),
            None => sql::snake_case(&input.ident.unraw().to_string()),
        };
        let fields = fields
            .iter()
            .filter_map(|field| {
                let ident = field.ident.as_ref()?;
                let attrs = FieldAttrs::parse(cx, &field.attrs);
                let column = (!attrs.skip.is_set()).then(|| match attrs.column.get() {
                    Some(lit) => lit.value(),
                    None => ident.unraw().to_string(),
                });
                Some(Field {
                    ident,
                    ty: &field.ty,
                    attrs,
                    column,
                })
            })
            .collect();
        Some(Self {
            input,
            attrs,
            table,
            fields,
        })
    }

    /// The fields stored as columns, in declaration order.
    pub(crate) fn columns(&self) -> impl Iterator<Item = (&Field<'a>, &str)> {
        self.fields
            .iter()
            .filter_map(|f| f.column.as_deref().map(|c| (f, c)))
    }

    /// The stored field named `ident`.
    pub(crate) fn column_field(&self, ident: &Ident) -> Option<&Field<'a>> {
        self.fields
            .iter()
            .find(|f| f.ident == ident && f.column.is_some())
    }

    /// The primary key's fields in key order: the struct's
    /// `primary_key(...)` if given, else the fields marked `primary_key`.
    pub(crate) fn key_fields(&self) -> Vec<&Field<'a>> {
        match self.attrs.primary_key.get() {
            Some(idents) => idents.iter().filter_map(|i| self.column_field(i)).collect(),
            None => self
                .fields
                .iter()
                .filter(|f| f.attrs.primary_key.is_set() && f.column.is_some())
                .collect(),
        }
    }

    /// Whether the table is STRICT (the default).
    pub(crate) fn strict(&self) -> bool {
        self.attrs.strict.get().copied().unwrap_or(true)
    }
}

/// The type inside `Option<...>`, when `ty` is written as an `Option`.
pub(crate) fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => match args.args.first()? {
            syn::GenericArgument::Type(inner) => Some(inner),
            _ => None,
        },
        _ => None,
    }
}
