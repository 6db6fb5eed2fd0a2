//! Full-text search of public records with tantivy and the jieba Chinese tokenizer.
//!
//! The index is a cache of the chain, never a source of truth: each commit stores the height it
//! reflects (in tantivy's commit payload), the node feeds it the records touched by later blocks,
//! and an index that is missing, damaged or of another schema version is deleted and rebuilt from
//! the chain. One document per record: its latest version.

#![deny(clippy::unwrap_used)]

mod analyzer;

use std::ops::Bound;
use std::path::Path;

use parking_lot::Mutex;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term};

pub use analyzer::{ANALYZER, analyzer};

/// Commit payload prefix; bump when the schema or analyzer changes (forces a rebuild).
const FORMAT: &str = "govchain-search/1";
/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most results per page.
pub const MAX_LIMIT: usize = 100;
const SNIPPET_CHARS: usize = 160;

/// Search errors.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The index failed.
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The index directory could not be prepared.
    #[error("search index directory: {0}")]
    Io(#[from] std::io::Error),
    /// The query is not acceptable.
    #[error("{0}")]
    BadQuery(String),
}

/// The latest version of a public record, as indexed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordDoc {
    /// Record id.
    pub id: String,
    /// Latest version.
    pub version: u32,
    /// Publishing organisation.
    pub org: String,
    /// Category.
    pub category: String,
    /// Title.
    pub title: String,
    /// Body.
    pub body: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Time of the latest version (ms).
    pub time_ms: u64,
    /// Time of first publication (ms).
    pub published_ms: u64,
    /// Withdrawn records stay searchable (the disclosure happened), marked as such.
    pub withdrawn: bool,
}

/// A search.
#[derive(Clone, Debug, Default)]
pub struct SearchQuery {
    /// Words, in Chinese and/or English; empty lists everything, newest first.
    pub q: String,
    /// Only this organisation.
    pub org: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Published at or after (ms).
    pub from_ms: Option<u64>,
    /// Published before (ms).
    pub to_ms: Option<u64>,
    /// Page size (1..=100).
    pub limit: usize,
    /// Results to skip.
    pub offset: usize,
}

/// Text with the matched words marked, as character (Unicode scalar) ranges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Highlighted {
    /// Plain text.
    pub text: String,
    /// `[start, end)` character ranges to emphasise.
    pub highlights: Vec<(usize, usize)>,
}

/// One result.
#[derive(Clone, Debug)]
pub struct Hit {
    /// The record.
    pub record: RecordDoc,
    /// Title with matches marked.
    pub title: Highlighted,
    /// The best passage of the body with matches marked.
    pub snippet: Highlighted,
    /// Relevance (None when listing without words).
    pub score: Option<f32>,
}

/// A page of results.
#[derive(Clone, Debug)]
pub struct SearchResults {
    /// Matching records in all.
    pub total: usize,
    /// This page.
    pub hits: Vec<Hit>,
    /// Height the index reflects.
    pub indexed_height: u64,
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    version: Field,
    org: Field,
    category: Field,
    title: Field,
    body: Field,
    tags: Field,
    time_ms: Field,
    published_ms: Field,
    withdrawn: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        version: b.add_u64_field("version", STORED),
        org: b.add_text_field("org", STRING | STORED),
        category: b.add_text_field("category", STRING | STORED),
        title: b.add_text_field("title", text.clone()),
        body: b.add_text_field("body", text.clone()),
        tags: b.add_text_field("tags", text),
        time_ms: b.add_u64_field("time_ms", STORED),
        published_ms: b.add_u64_field("published_ms", INDEXED | FAST | STORED),
        withdrawn: b.add_u64_field("withdrawn", STORED),
    };
    (b.build(), fields)
}

/// The search index of one node.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    height: Mutex<u64>,
}

fn parse_payload(p: Option<&str>) -> Option<u64> {
    p?.strip_prefix(FORMAT)?.strip_prefix(' ')?.parse().ok()
}

impl SearchIndex {
    /// Opens the index in `dir`, or creates it; an index that cannot be opened or was written
    /// by another format version is deleted and recreated empty (height 0), to be rebuilt.
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        match SearchIndex::try_open(dir) {
            Ok(Some(ix)) => Ok(ix),
            _ => {
                if dir.exists() {
                    std::fs::remove_dir_all(dir)?;
                }
                SearchIndex::try_open(dir)?.ok_or_else(|| SearchError::BadQuery("fresh index unreadable".into()))
            }
        }
    }

    fn try_open(dir: &Path) -> Result<Option<SearchIndex>, SearchError> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema();
        let directory = tantivy::directory::MmapDirectory::open(dir).map_err(tantivy::TantivyError::from)?;
        let fresh = !Index::exists(&directory).map_err(tantivy::TantivyError::from)?;
        let index = Index::open_or_create(directory, schema.clone())?;
        index.tokenizers().register(ANALYZER, analyzer());
        let height = if fresh {
            0
        } else {
            let metas = index.load_metas()?;
            match parse_payload(metas.payload.as_deref()) {
                Some(h) if index.schema() == schema => h,
                _ => return Ok(None),
            }
        };
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let writer = index.writer_with_num_threads(1, 32 * 1024 * 1024)?;
        Ok(Some(SearchIndex { index, reader, writer: Mutex::new(writer), fields, height: Mutex::new(height) }))
    }

    /// The chain height the index reflects.
    pub fn indexed_height(&self) -> u64 {
        *self.height.lock()
    }

    /// Replaces the documents of `docs` (by id) and records that the index now reflects
    /// `height`; durable when this returns.
    pub fn apply(&self, docs: &[RecordDoc], height: u64) -> Result<(), SearchError> {
        let f = self.fields;
        let mut w = self.writer.lock();
        for d in docs {
            w.delete_term(Term::from_field_text(f.id, &d.id));
            let mut doc = TantivyDocument::default();
            doc.add_text(f.id, &d.id);
            doc.add_u64(f.version, d.version as u64);
            doc.add_text(f.org, &d.org);
            doc.add_text(f.category, &d.category);
            doc.add_text(f.title, &d.title);
            doc.add_text(f.body, &d.body);
            for t in &d.tags {
                doc.add_text(f.tags, t);
            }
            doc.add_u64(f.time_ms, d.time_ms);
            doc.add_u64(f.published_ms, d.published_ms);
            doc.add_u64(f.withdrawn, d.withdrawn as u64);
            w.add_document(doc)?;
        }
        let mut commit = w.prepare_commit()?;
        commit.set_payload(&format!("{FORMAT} {height}"));
        commit.commit()?;
        drop(w);
        self.reader.reload()?;
        *self.height.lock() = height;
        Ok(())
    }

    /// Runs a search.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResults, SearchError> {
        let words = q.q.trim();
        if words.chars().count() > MAX_QUERY_CHARS {
            return Err(SearchError::BadQuery(format!("the query is longer than {MAX_QUERY_CHARS} characters")));
        }
        if q.limit == 0 || q.limit > MAX_LIMIT {
            return Err(SearchError::BadQuery(format!("limit must be 1..={MAX_LIMIT}")));
        }
        let f = self.fields;
        let searcher = self.reader.searcher();
        let text_query: Option<Box<dyn Query>> = if words.is_empty() {
            None
        } else {
            let mut parser = QueryParser::for_index(&self.index, vec![f.title, f.body, f.tags]);
            parser.set_field_boost(f.title, 2.0);
            Some(parser.parse_query_lenient(words).0)
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(t) = &text_query {
            clauses.push((Occur::Must, t.box_clone()));
        }
        for (field, value) in [(f.org, &q.org), (f.category, &q.category)] {
            if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                clauses.push((
                    Occur::Must,
                    Box::new(TermQuery::new(Term::from_field_text(field, v), IndexRecordOption::Basic)),
                ));
            }
        }
        if q.from_ms.is_some() || q.to_ms.is_some() {
            let term = |v: u64| Term::from_field_u64(f.published_ms, v);
            let lower = q.from_ms.map_or(Bound::Unbounded, |v| Bound::Included(term(v)));
            let upper = q.to_ms.map_or(Bound::Unbounded, |v| Bound::Excluded(term(v)));
            clauses.push((Occur::Must, Box::new(RangeQuery::new(lower, upper))));
        }
        let query: Box<dyn Query> =
            if clauses.is_empty() { Box::new(AllQuery) } else { Box::new(BooleanQuery::new(clauses)) };

        let page = TopDocs::with_limit(q.limit).and_offset(q.offset);
        let (addresses, total): (Vec<(Option<f32>, tantivy::DocAddress)>, usize) = if text_query.is_some() {
            let (top, total) = searcher.search(&query, &(page.order_by_score(), Count))?;
            (top.into_iter().map(|(s, a)| (Some(s), a)).collect(), total)
        } else {
            let (top, total) =
                searcher.search(&query, &(page.order_by_fast_field::<u64>("published_ms", Order::Desc), Count))?;
            (top.into_iter().map(|(_, a)| (None, a)).collect(), total)
        };

        let generators = match &text_query {
            Some(t) => {
                let mut body = SnippetGenerator::create(&searcher, &**t, f.body)?;
                body.set_max_num_chars(SNIPPET_CHARS);
                let mut title = SnippetGenerator::create(&searcher, &**t, f.title)?;
                title.set_max_num_chars(1024);
                Some((title, body))
            }
            None => None,
        };
        let mut hits = Vec::with_capacity(addresses.len());
        for (score, addr) in addresses {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let record = self.record_of(&doc);
            let (title, snippet) = match &generators {
                Some((tg, bg)) => {
                    let t = tg.snippet_from_doc(&doc);
                    let title = if t.fragment().is_empty() {
                        plain(&record.title, usize::MAX)
                    } else {
                        highlighted(&record.title, t.fragment_range().start, t.highlighted())
                    };
                    let b = bg.snippet_from_doc(&doc);
                    let snippet = if b.fragment().is_empty() {
                        plain(&record.body, SNIPPET_CHARS)
                    } else {
                        highlighted(b.fragment(), 0, b.highlighted())
                    };
                    (title, snippet)
                }
                None => (plain(&record.title, usize::MAX), plain(&record.body, SNIPPET_CHARS)),
            };
            hits.push(Hit { record, title, snippet, score });
        }
        Ok(SearchResults { total, hits, indexed_height: self.indexed_height() })
    }

    fn record_of(&self, doc: &TantivyDocument) -> RecordDoc {
        let f = self.fields;
        let text = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_string();
        let num = |field| doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or_default();
        RecordDoc {
            id: text(f.id),
            version: num(f.version) as u32,
            org: text(f.org),
            category: text(f.category),
            title: text(f.title),
            body: text(f.body),
            tags: doc.get_all(f.tags).filter_map(|v| v.as_str().map(str::to_string)).collect(),
            time_ms: num(f.time_ms),
            published_ms: num(f.published_ms),
            withdrawn: num(f.withdrawn) == 1,
        }
    }
}

/// The first `max` characters of `text`, nothing marked.
fn plain(text: &str, max: usize) -> Highlighted {
    let text: String = if text.chars().count() > max {
        text.chars().take(max).chain(std::iter::once('…')).collect()
    } else {
        text.to_string()
    };
    Highlighted { text, highlights: vec![] }
}

/// Converts tantivy's byte ranges, relative to a fragment starting at byte `base` of `text`,
/// into character ranges of the whole `text`.
fn highlighted(text: &str, base: usize, ranges: &[std::ops::Range<usize>]) -> Highlighted {
    let char_at = |byte: usize| text.get(..base + byte).map_or(0, |s| s.chars().count());
    Highlighted {
        text: text.to_string(),
        highlights: ranges.iter().map(|r| (char_at(r.start), char_at(r.end))).collect(),
    }
}
