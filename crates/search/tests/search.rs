//! Searching records in Chinese and English, filters, paging, highlights, and recovery of a
//! damaged index.

use govchain_search::{RecordDoc, SearchIndex, SearchQuery};

fn doc(id: &str, org: &str, category: &str, title: &str, body: &str, published_ms: u64) -> RecordDoc {
    RecordDoc {
        id: id.into(),
        version: 1,
        org: org.into(),
        category: category.into(),
        title: title.into(),
        body: body.into(),
        tags: vec![],
        time_ms: published_ms,
        published_ms,
        withdrawn: false,
    }
}

fn corpus() -> Vec<RecordDoc> {
    vec![
        doc(
            "finance-1",
            "finance",
            "budget",
            "2027年部门预算 Department budget 2027",
            "教育支出 31.2 亿元，用于学校建设。",
            1_000,
        ),
        doc(
            "market-1",
            "market",
            "penalty",
            "行政处罚决定书 Administrative penalty",
            "某食品公司销售过期食品，罚款五万元。",
            2_000,
        ),
        doc(
            "finance-2",
            "finance",
            "procurement",
            "办公设备采购 Office equipment procurement",
            "采购笔记本电脑 200 台 laptops.",
            3_000,
        ),
    ]
}

fn q(words: &str) -> SearchQuery {
    SearchQuery { q: words.into(), limit: 10, ..Default::default() }
}

fn ids(ix: &SearchIndex, query: &SearchQuery) -> Vec<String> {
    ix.search(query).expect("search").hits.into_iter().map(|h| h.record.id).collect()
}

#[test]
fn chinese_and_english_words_find_records_with_highlights() {
    let dir = tempfile::tempdir().expect("dir");
    let ix = SearchIndex::open(dir.path()).expect("open");
    ix.apply(&corpus(), 7).expect("apply");
    assert_eq!(ix.indexed_height(), 7);

    assert_eq!(ids(&ix, &q("预算")), ["finance-1"]);
    assert_eq!(ids(&ix, &q("食品")), ["market-1"]);
    assert_eq!(ids(&ix, &q("budgets")), ["finance-1"], "English words are stemmed");
    assert_eq!(ids(&ix, &q("LAPTOP")), ["finance-2"], "case does not matter");
    assert!(ids(&ix, &q("火箭")).is_empty());

    let hit = &ix.search(&q("处罚")).expect("search").hits[0];
    let marked: Vec<String> =
        hit.title.highlights.iter().map(|(a, b)| hit.title.text.chars().skip(*a).take(b - a).collect()).collect();
    assert!(marked.contains(&"处罚".to_string()), "the matched word is marked in the title: {marked:?}");
    let hit = &ix.search(&q("过期")).expect("search").hits[0];
    let (a, b) = hit.snippet.highlights[0];
    assert_eq!(hit.snippet.text.chars().skip(a).take(b - a).collect::<String>(), "过期");
}

#[test]
fn filters_order_paging_and_bad_queries() {
    let dir = tempfile::tempdir().expect("dir");
    let ix = SearchIndex::open(dir.path()).expect("open");
    ix.apply(&corpus(), 3).expect("apply");

    let all = ids(&ix, &q(""));
    assert_eq!(all, ["finance-2", "market-1", "finance-1"], "no words: newest first");
    let finance = SearchQuery { org: Some("finance".into()), ..q("") };
    assert_eq!(ids(&ix, &finance), ["finance-2", "finance-1"]);
    let budget = SearchQuery { category: Some("budget".into()), ..q("") };
    assert_eq!(ids(&ix, &budget), ["finance-1"]);
    let window = SearchQuery { from_ms: Some(1_500), to_ms: Some(3_000), ..q("") };
    assert_eq!(ids(&ix, &window), ["market-1"], "from inclusive, to exclusive");
    let page = SearchQuery { limit: 1, offset: 1, ..q("") };
    let r = ix.search(&page).expect("page");
    assert_eq!((r.total, r.hits.len(), r.hits[0].record.id.as_str()), (3, 1, "market-1"));

    assert!(ix.search(&q(&"长".repeat(201))).is_err(), "over-long query refused");
    assert!(ix.search(&SearchQuery { limit: 0, ..q("x") }).is_err());
    assert!(ix.search(&q("AND OR (( \"")).is_ok(), "query syntax errors are tolerated, not fatal");
}

#[test]
fn an_amended_record_is_replaced_and_the_height_survives_a_restart() {
    let dir = tempfile::tempdir().expect("dir");
    {
        let ix = SearchIndex::open(dir.path()).expect("open");
        ix.apply(&corpus(), 3).expect("apply");
        let mut amended = corpus()[0].clone();
        amended.version = 2;
        amended.body = "教育支出 32.0 亿元 revised".into();
        ix.apply(&[amended], 9).expect("amend");
        let r = ix.search(&q("revised")).expect("search");
        assert_eq!((r.total, r.hits[0].record.version), (1, 2));
        assert_eq!(ids(&ix, &q("")).len(), 3, "still one document per record");
    }
    let ix = SearchIndex::open(dir.path()).expect("reopen");
    assert_eq!(ix.indexed_height(), 9);
    assert_eq!(ids(&ix, &q("revised")), ["finance-1"]);
}

#[test]
fn a_damaged_index_is_recreated_empty_for_a_rebuild() {
    let dir = tempfile::tempdir().expect("dir");
    {
        let ix = SearchIndex::open(dir.path()).expect("open");
        ix.apply(&corpus(), 5).expect("apply");
    }
    std::fs::write(dir.path().join("meta.json"), b"{ not json").expect("damage");
    let ix = SearchIndex::open(dir.path()).expect("reopen");
    assert_eq!(ix.indexed_height(), 0, "rebuild from the chain's first block");
    assert!(ids(&ix, &q("")).is_empty());
}
