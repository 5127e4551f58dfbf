//! Reads the source `inspect` writes back into tables, as the derive would
//! build them, without compiling it: for property tests over many schemas.
//!
//! It knows only the Rust `inspect` writes (comments, `#[derive]`,
//! `#[model(...)]` on structs and fields, `pub struct`, `pub field: Type`)
//! and errors on anything else. Its reading of the attributes is checked
//! against the derive itself by the compiled models under `models/`.

use stillroom::{Action, Column, ForeignKey, Index, SqlType, Table, ValueCheck};

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    /// A string literal's value.
    Str(String),
    Punct(char),
}

/// One `name`, `name = value` or `name(items)` inside `#[model(...)]`.
#[derive(Debug, Clone)]
enum Meta {
    Word(String),
    Value(String, Token),
    List(String, Vec<Meta>),
}

/// The tables the models in `source` declare, in source order, or what is
/// wrong with the source.
pub(crate) fn tables(source: &str) -> Result<Vec<Table>, String> {
    let tokens = tokenize(source)?;
    let mut p = Parser { tokens, at: 0 };
    let mut out = Vec::new();
    while p.peek().is_some() {
        out.push(p.model()?);
    }
    Ok(out)
}

/// Identifiers as written (`r#type` included) of every field, by struct.
pub(crate) fn field_idents(source: &str) -> Result<Vec<Vec<String>>, String> {
    let tokens = tokenize(source)?;
    let mut out: Vec<Vec<String>> = Vec::new();
    for w in tokens.windows(3) {
        match w {
            [Token::Ident(s), Token::Ident(_), Token::Punct('{')] if s == "struct" => {
                out.push(Vec::new())
            }
            [Token::Ident(p), Token::Ident(f), Token::Punct(':')] if p == "pub" => {
                if let Some(fields) = out.last_mut() {
                    fields.push(f.clone());
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

fn tokenize(source: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == 'r' && is_raw_string(&chars[i + 1..]) {
            let (text, end) = raw_string(&chars, i + 1)?;
            out.push(Token::Str(text));
            i = end;
        } else if c == '"' {
            let (text, end) = string(&chars, i + 1)?;
            out.push(Token::Str(text));
            i = end;
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            if c == 'r' && chars.get(i + 1) == Some(&'#') {
                i += 2;
            }
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Token::Ident(chars[start..i].iter().collect()));
        } else {
            out.push(Token::Punct(c));
            i += 1;
        }
    }
    Ok(out)
}

/// Whether `rest` (after an `r`) opens a raw string: `#`s, then `"`
/// (`r#gen` is a raw identifier).
fn is_raw_string(rest: &[char]) -> bool {
    rest.iter().find(|&&c| c != '#') == Some(&'"')
}

/// A raw string whose `#`s start at `i`: its text and where it ends.
fn raw_string(chars: &[char], mut i: usize) -> Result<(String, usize), String> {
    let mut hashes = 0;
    while chars.get(i) == Some(&'#') {
        hashes += 1;
        i += 1;
    }
    if chars.get(i) != Some(&'"') {
        return Err("expected `\"` after `r#`".into());
    }
    let start = i + 1;
    let mut j = start;
    while j < chars.len() {
        if chars[j] == '"' && (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) {
            return Ok((chars[start..j].iter().collect(), j + 1 + hashes));
        }
        j += 1;
    }
    Err("unterminated raw string".into())
}

/// A string literal whose text starts at `i`, escapes resolved.
fn string(chars: &[char], mut i: usize) -> Result<(String, usize), String> {
    let mut out = String::new();
    while let Some(&c) = chars.get(i) {
        match c {
            '"' => return Ok((out, i + 1)),
            '\n' | '\r' => return Err("a line break inside a string literal".into()),
            '\\' => {
                let e = chars.get(i + 1).copied().ok_or("unterminated escape")?;
                i += 2;
                match e {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    '\\' => out.push('\\'),
                    '"' => out.push('"'),
                    '0' => out.push('\0'),
                    'u' => {
                        let close = chars[i..].iter().position(|&c| c == '}').ok_or("bad \\u")?;
                        let hex: String = chars[i + 1..i + close].iter().collect();
                        let n = u32::from_str_radix(&hex, 16).map_err(|e| e.to_string())?;
                        out.push(char::from_u32(n).ok_or("bad \\u value")?);
                        i += close + 1;
                    }
                    other => return Err(format!("unexpected escape `\\{other}`")),
                }
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Err("unterminated string".into())
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

/// A field as read: its column and what its flags add to the table.
struct ReadField {
    ident: String,
    column: Column,
    key: bool,
    autoincrement: bool,
    /// `index` (false) or `unique` (true).
    index: Option<bool>,
    references: Option<ForeignKey>,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Result<Token, String> {
        let t = self.peek().cloned().ok_or("unexpected end of source")?;
        self.at += 1;
        Ok(t)
    }

    fn expect(&mut self, want: &Token) -> Result<(), String> {
        let got = self.next()?;
        if &got == want {
            Ok(())
        } else {
            Err(format!(
                "expected {want:?}, found {got:?} at token {}",
                self.at
            ))
        }
    }

    fn ident(&mut self) -> Result<String, String> {
        match self.next()? {
            Token::Ident(s) => Ok(s),
            other => Err(format!("expected an identifier, found {other:?}")),
        }
    }

    fn word(&mut self, word: &str) -> Result<(), String> {
        self.expect(&Token::Ident(word.into()))
    }

    fn punct(&mut self, c: char) -> Result<(), String> {
        self.expect(&Token::Punct(c))
    }

    /// `#[derive(...)]`, any `#[model(...)]`, then `pub struct Name { ... }`.
    fn model(&mut self) -> Result<Table, String> {
        let mut metas = Vec::new();
        let mut derives = false;
        while self.peek() == Some(&Token::Punct('#')) {
            self.punct('#')?;
            self.punct('[')?;
            match self.ident()?.as_str() {
                "derive" => {
                    while self.next()? != Token::Punct(']') {}
                    derives = true;
                    continue;
                }
                "allow" => {
                    while self.next()? != Token::Punct(']') {}
                    continue;
                }
                "model" => metas.extend(self.meta_list()?),
                other => return Err(format!("unexpected attribute `{other}`")),
            }
            self.punct(']')?;
        }
        if !derives {
            return Err("a struct without `#[derive(...)]`".into());
        }
        self.word("pub")?;
        self.word("struct")?;
        let name = self.ident()?;
        self.punct('{')?;
        let mut fields = Vec::new();
        while self.peek() != Some(&Token::Punct('}')) {
            fields.push(self.field()?);
        }
        self.punct('}')?;
        build_table(&name, &metas, fields)
    }

    /// `(meta, meta, ...)`.
    fn meta_list(&mut self) -> Result<Vec<Meta>, String> {
        self.punct('(')?;
        let mut out = Vec::new();
        loop {
            if self.peek() == Some(&Token::Punct(')')) {
                self.next()?;
                return Ok(out);
            }
            let name = self.ident()?;
            out.push(match self.peek() {
                Some(Token::Punct('=')) => {
                    self.next()?;
                    Meta::Value(name, self.next()?)
                }
                Some(Token::Punct('(')) => Meta::List(name, self.meta_list()?),
                _ => Meta::Word(name),
            });
            if self.peek() == Some(&Token::Punct(',')) {
                self.next()?;
            }
        }
    }

    /// `#[model(...)] pub ident: Type,`.
    fn field(&mut self) -> Result<ReadField, String> {
        let mut metas = Vec::new();
        while self.peek() == Some(&Token::Punct('#')) {
            self.punct('#')?;
            self.punct('[')?;
            self.word("model")?;
            metas.extend(self.meta_list()?);
            self.punct(']')?;
        }
        self.word("pub")?;
        let ident = self.ident()?;
        self.punct(':')?;
        let mut ty = String::new();
        let mut depth = 0;
        loop {
            match self.next()? {
                Token::Punct(',') if depth == 0 => break,
                Token::Punct(c) => {
                    depth += match c {
                        '<' => 1,
                        '>' => -1,
                        _ => 0,
                    };
                    ty.push(c);
                }
                Token::Ident(s) => ty.push_str(&s),
                Token::Str(_) => return Err("a string in a type".into()),
            }
        }
        build_field(&ident, &ty, &metas)
    }
}

/// The column a field of type `ty` gives before its attributes, as the
/// types' `ColumnType` impls say.
fn base_column(name: &str, ty: &str) -> Result<Column, String> {
    let (inner, nullable) = match ty.strip_prefix("Option<").and_then(|t| t.strip_suffix('>')) {
        Some(inner) => (inner, true),
        None => (ty, false),
    };
    let sql_type = match inner {
        "i64" | "bool" => SqlType::Integer,
        "f64" => SqlType::Real,
        "String" => SqlType::Text,
        "Vec<u8>" => SqlType::Blob,
        "stillroom::rusqlite::types::Value" => SqlType::Any,
        other => return Err(format!("unexpected field type `{other}`")),
    };
    let mut column = Column::new(name, sql_type);
    column.nullable = nullable;
    if inner == "bool" {
        column.checks.push(ValueCheck::Boolean.render(name));
    }
    Ok(column)
}

fn text(token: &Token) -> Result<String, String> {
    match token {
        Token::Str(s) => Ok(s.clone()),
        other => Err(format!("expected a string, found {other:?}")),
    }
}

fn action(token: &Token) -> Result<Action, String> {
    let t = text(token)?;
    Action::parse(&t).ok_or_else(|| format!("unknown action `{t}`"))
}

/// `table(a, b)` as the derive splits it.
fn reference(token: &Token) -> Result<(String, Vec<String>), String> {
    let t = text(token)?;
    let (table, rest) = t.split_once('(').ok_or("no `(` in references")?;
    let columns = rest.strip_suffix(')').ok_or("no `)` in references")?;
    Ok((
        table.trim().to_owned(),
        columns.split(',').map(|c| c.trim().to_owned()).collect(),
    ))
}

fn build_field(ident: &str, ty: &str, metas: &[Meta]) -> Result<ReadField, String> {
    let unraw = ident.strip_prefix("r#").unwrap_or(ident);
    let mut name = unraw.to_owned();
    for m in metas {
        if let Meta::Value(k, v) = m
            && k == "column"
        {
            name = text(v)?;
        }
    }
    let mut f = ReadField {
        ident: unraw.to_owned(),
        column: base_column(&name, ty)?,
        key: false,
        autoincrement: false,
        index: None,
        references: None,
    };
    let mut on_delete = Action::NoAction;
    let mut on_update = Action::NoAction;
    for m in metas {
        match m {
            Meta::Word(w) if w == "primary_key" => f.key = true,
            Meta::Word(w) if w == "autoincrement" => f.autoincrement = true,
            Meta::Word(w) if w == "index" || w == "unique" => f.index = Some(w == "unique"),
            Meta::Value(k, v) => match k.as_str() {
                "column" => {}
                "sql_type" => f.column.sql_type = SqlType::parse(&text(v)?),
                "default" => f.column.default = Some(text(v)?),
                "check" => f.column.checks.push(text(v)?),
                "references" => {
                    let (table, columns) = reference(v)?;
                    f.references = Some(ForeignKey {
                        columns: vec![name.clone()],
                        references_table: table,
                        references_columns: columns,
                        on_delete: Action::NoAction,
                        on_update: Action::NoAction,
                    });
                }
                "on_delete" => on_delete = action(v)?,
                "on_update" => on_update = action(v)?,
                other => return Err(format!("unexpected field attribute `{other}`")),
            },
            other => return Err(format!("unexpected field attribute {other:?}")),
        }
    }
    if let Some(fk) = &mut f.references {
        (fk.on_delete, fk.on_update) = (on_delete, on_update);
    }
    Ok(f)
}

fn build_table(name: &str, metas: &[Meta], fields: Vec<ReadField>) -> Result<Table, String> {
    let mut table = Table::new(snake_case(name));
    let column_of = |ident: &str| -> Result<String, String> {
        let unraw = ident.strip_prefix("r#").unwrap_or(ident);
        fields
            .iter()
            .find(|f| f.ident == unraw)
            .map(|f| f.column.name.clone())
            .ok_or_else(|| format!("no field `{ident}` in `{name}`"))
    };
    for m in metas {
        match m {
            Meta::Value(k, v) if k == "table" => table.name = text(v)?,
            Meta::Value(k, Token::Ident(b)) if k == "strict" => table.strict = b == "true",
            Meta::Value(k, v) if k == "check" => table.checks.push(text(v)?),
            Meta::List(k, items) if k == "primary_key" => {
                for item in items {
                    if let Meta::Word(w) = item {
                        table.primary_key.columns.push(column_of(w)?);
                    }
                }
            }
            Meta::List(k, items) if k == "index" || k == "unique" => {
                table
                    .indexes
                    .push(struct_index(k == "unique", items, &column_of)?);
            }
            Meta::List(k, items) if k == "foreign_key" => {
                table
                    .foreign_keys
                    .push(struct_foreign_key(items, &column_of)?);
            }
            other => return Err(format!("unexpected struct attribute {other:?}")),
        }
    }
    for index in &mut table.indexes {
        if index.name.is_empty() {
            index.name = Index::default_name(&table.name, &index.columns, index.unique);
        }
    }
    for f in fields {
        let column = f.column.name.clone();
        if f.key {
            table.primary_key.columns.push(column.clone());
        }
        table.primary_key.autoincrement |= f.autoincrement;
        if let Some(unique) = f.index {
            table.indexes.push(Index {
                name: Index::default_name(&table.name, &[&column], unique),
                columns: vec![column],
                unique,
            });
        }
        table.foreign_keys.extend(f.references);
        table.columns.push(f.column);
    }
    table.indexes.sort();
    Ok(table)
}

fn struct_index(
    unique: bool,
    items: &[Meta],
    column_of: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Index, String> {
    let mut index = Index {
        name: String::new(),
        columns: Vec::new(),
        unique,
    };
    for item in items {
        match item {
            Meta::Word(w) => index.columns.push(column_of(w)?),
            Meta::Value(k, v) if k == "name" => index.name = text(v)?,
            other => return Err(format!("unexpected index item {other:?}")),
        }
    }
    Ok(index)
}

fn struct_foreign_key(
    items: &[Meta],
    column_of: &dyn Fn(&str) -> Result<String, String>,
) -> Result<ForeignKey, String> {
    let mut fk = ForeignKey {
        columns: Vec::new(),
        references_table: String::new(),
        references_columns: Vec::new(),
        on_delete: Action::NoAction,
        on_update: Action::NoAction,
    };
    for item in items {
        match item {
            Meta::Word(w) => fk.columns.push(column_of(w)?),
            Meta::Value(k, v) if k == "references" => {
                (fk.references_table, fk.references_columns) = reference(v)?;
            }
            Meta::Value(k, v) if k == "on_delete" => fk.on_delete = action(v)?,
            Meta::Value(k, v) if k == "on_update" => fk.on_update = action(v)?,
            other => return Err(format!("unexpected foreign key item {other:?}")),
        }
    }
    Ok(fk)
}

/// The derive's default table name for a struct.
fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}
