//! DevTools' rules, one data-driven test each, on graphs written in the heap notation
//! (`tests/common/heap_notation.rs`): class names (node types, HTML tags, detached DOM, script locations),
//! `{a, b}` interface names of plain objects, shallow-size moving, distances, the essential edges of the
//! dominator tree, retained sizes. A failure names the rule that broke and the node and column that differ.
//! The expected values are DevTools' (DESIGN.md §5; the project equals DevTools' own code on every corpus
//! snapshot, so each table here pins one rule of that behaviour). The first tests check the notation itself.

#[allow(dead_code, reason = "each test crate uses its part of the shared support (leak_rules the rest)")]
mod common;

use common::check::{check_dominators, check_nodes, check_summary};
use common::heap_notation::{heap, Analysed, Process};
use heapscope::snapshot::graph::{NodeIdx, StrIdx};
use heapscope::snapshot::parse::SnapshotParser;

/// A page: the synthetic root, the `(GC roots)` group and one global object (a user root, reached by the
/// root's shortcut edge as in V8's snapshots).
const PAGE: &str = "
    root:synthetic \"\"
    (GC roots):synthetic
    global:object \"Window\" 100
    root -element:1-> (GC roots)
    root -shortcut:global-> global
";

/// The page plus `body`.
fn page(body: &str) -> Analysed {
    heap(&format!("{PAGE}{body}"))
}

#[test]
fn notation_builds_the_graph_the_parser_reads() {
    let heap = Process::new()
        .snapshot(
            "
            root:synthetic
            (GC roots):synthetic
            root -element:1-> (GC roots)
            root -shortcut:global-> global:object \"Window\" 100 @7
            global -property:\"a key, with spaces\"-> big:array 5000000000
            global -property:div-> d:native \"<div id=\\\"x\\\">\" 40 detached at 3:12:8
            global -weak:w-> (GC roots)   # a comment; the next line's `#` is part of a name
            global -property:#count-> count:number \"# not a comment\" 16
            for i in 1..=3: big -element:{2*i}-> e{i}:string \"entry {i}\" {8*i}
            ",
            &[],
        )
        .expect("valid notation");
    let g = &heap.graph;
    assert_eq!(heap.handles, ["root", "(GC roots)", "global", "big", "d", "count", "e1", "e2", "e3"]);
    assert_eq!(g.first_edge, [0, 2, 2, 6, 9, 9, 9, 9, 9, 9], "edges in CSR order, each owner's as written");
    assert_eq!(g.edge_name_or_index[6..], [2, 4, 6]);
    assert_eq!(g.strings.get(StrIdx(g.edge_name_or_index[5])), "#count");
    assert_eq!(g.strings.get(g.node_name[5]), "# not a comment");
    assert_eq!(g.node_id[2], 7);
    assert_eq!(g.self_size(NodeIdx(3)), 5_000_000_000);
    assert_eq!(g.strings.get(g.node_name[4]), "<div id=\"x\">");
    assert_eq!(g.node_detachedness.as_deref().map(|d| d[4]), Some(2));
    assert_eq!((g.locations[0].script_id, g.locations[0].line, g.locations[0].column), (3, 12, 8));
    // The project's parser, fed the same graph as a .heapsnapshot file, builds the same columns.
    let mut parser = SnapshotParser::new();
    parser.feed(heap.to_heapsnapshot_json().as_bytes()).expect("a valid snapshot");
    assert_eq!(&parser.finish().expect("a complete snapshot"), g);
}

#[test]
fn notation_errors_name_their_line() {
    let cases = [
        ("root:synthetic\n  x:objekt \"X\"", 2, "unknown node type `objekt`"),
        ("root:synthetic\nroot -element:one-> root", 2, "`element` edges take a number, not `one`"),
        ("root:synthetic\n\nroot -property:a-> nowhere", 3, "node `nowhere` is never declared"),
        ("root:synthetic\nroot:object", 2, "node `root` is already declared on line 1"),
        ("root:synthetic\nfor i in 1..=2: root -element:{j}-> root", 2, "unknown variable `j`"),
        ("root:synthetic\nroot -strong:a-> root", 2, "unknown edge type `strong`"),
        (
            "root:synthetic @5\nother:object @5",
            2,
            "V8 id @5 is already the id of the node declared on line 1",
        ),
        ("root:synthetic\nroot -property:a root", 2, "an edge needs `->`"),
        ("root:synthetic \"unclosed", 1, "unclosed string"),
    ];
    for (text, line, message) in cases {
        let error = Process::new().snapshot(text, &[]).expect_err(text);
        assert_eq!(error.line, line, "{text}: {error}");
        assert!(error.message.contains(message), "{text}: `{error}` should say `{message}`");
        assert!(error.to_string().starts_with(&format!("line {line}: ")));
    }
}

#[test]
fn a_handle_keeps_its_v8_id_across_snapshots_of_one_process() {
    let template = "
        root:synthetic
        root -shortcut:global-> global:object \"Window\"
        for i in 1..={n}: global -element:{i}-> item{i}:object \"Item\" 10
    ";
    let mut process = Process::new();
    let first = process.snapshot(template, &[("n", 2)]).expect("valid");
    let second = process.snapshot(template, &[("n", 3)]).expect("valid");
    assert_eq!(first.graph.node_id, [1, 3, 5, 7]);
    assert_eq!(
        second.graph.node_id,
        [1, 3, 5, 7, 9],
        "old objects keep their ids, the new one gets the next"
    );
}

#[test]
fn class_names_come_from_node_types() {
    let h = page(
        "
        global -internal:1-> h:hidden \"system / Foo\" 10
        global -property:code-> c:code \"foo\" 20
        global -property:fn-> f:closure \"handler\" 32
        global -property:re-> r:regexp \"/a+/\" 24
        global -property:str-> s:string \"hello\" 16
        global -property:cons-> cs:concatenated_string \"\" 32
        cs -internal:first-> s
        cs -internal:second-> s2:string \" world\" 16
        global -property:arr-> a:array \"\" 40
        global -property:num-> n:number \"heap number\" 16
        global -property:shape-> sh:object_shape \"system / Map\" 40
        global -property:sym-> sy:symbol \"symbol\" 8
        global -property:obj-> o:object \"Foo\" 24
        global -property:env-> w:native \"Node / Environment\" 8
        ",
    );
    check_nodes(
        &h,
        "class names: hidden → (system), code → (compiled code), closure → Function, regexp → RegExp, \
         objects and native nodes by their name, any other type → (type)",
        "node       | name               | type                | class
         h          | system / Foo       | hidden              | (system)
         c          | foo                | code                | (compiled code)
         f          | handler            | closure             | Function
         r          | /a+/               | regexp              | RegExp
         s          | hello              | string              | (string)
         cs         | hello world        | concatenated string | (concatenated string)
         a          |                    | array               | (array)
         n          | heap number        | number              | (number)
         sh         | system / Map       | object shape        | (object shape)
         sy         | symbol             | symbol              | (symbol)
         o          | Foo                | object              | Foo
         w          | Node / Environment | native              | Node / Environment
         (GC roots) | (GC roots)         | synthetic           | (synthetic)",
    );
}

#[test]
fn html_like_names_are_cut_to_their_tag() {
    let h = page(
        "
        global -property:a-> d:native \"<div id=x class=y>\" 50
        global -property:b-> li:native \"<li>\" 30
        global -property:c-> d2:native \"<div>\" 20
        global -property:d-> o:object \"<not really html but an object> x\" 10
        ",
    );
    check_nodes(
        &h,
        "class names: an HTML-like name `<div id=x>` is cut at its first space to `<div>`",
        "node | class  | name
         d    | <div>  | <div id=x class=y>
         li   | <li>   | <li>
         d2   | <div>  | <div>
         o    | <not>  | <not really html but an object> x",
    );
    check_summary(
        &h,
        "class names: nodes whose names cut to one tag are one class",
        "class | count | shallow
         <div> | 2     | 70",
    );
}

#[test]
fn detached_dom_state_spreads_through_native_nodes_only() {
    let h = page(
        "
        global -property:cache-> w:object \"HTMLDivElement\" 32
        w -internal:native-> d:native \"<div class=widget>\" 100 detached
        d -element:1-> span:native \"<span>\" 40
        d -element:2-> shared:native \"<em>\" 10
        d -hidden:3-> hid:native \"<i>\" 5
        d -property:js-> js:object \"Foo\" 10
        js -property:n-> behind:native \"<b>\" 5
        global -property:doc-> body:native \"<body>\" 60 attached
        body -element:1-> p:native \"<p id=z>\" 20
        body -element:2-> shared
        ",
    );
    check_nodes(
        &h,
        "detached DOM: detachedness 2 spreads to native nodes reached only from detached ones (not through \
         JavaScript objects or hidden edges; attached wins), which are named `Detached <tag>`",
        "node   | class           | name                        | detached
         d      | Detached <div>  | Detached <div class=widget> | yes
         span   | Detached <span> | Detached <span>             | yes
         shared | <em>            | <em>                        | no
         hid    | <i>             | <i>                         | no
         js     | Foo             | Foo                         | no
         behind | <b>             | <b>                         | no
         body   | <body>          | <body>                      | no
         p      | <p>             | <p id=z>                    | no",
    );
}

#[test]
fn objects_with_a_script_location_are_classes_of_their_own() {
    let h = page(
        "
        global -property:a-> f1:object \"Foo\" 10 at 5:10:2
        global -property:b-> f2:object \"Foo\" 10 at 5:10:2
        global -property:c-> f3:object \"Foo\" 20 at 5:40:0
        global -property:d-> f4:object \"Foo\" 40
        global -property:e-> n1:native \"Foo\" 8 at 5:10:2
        ",
    );
    check_summary(
        &h,
        "located classes: objects are grouped by script location and name (native nodes have no location)",
        "key        | class | count | shallow
         5,10,2,Foo | Foo   | 2     | 20
         5,40,0,Foo | Foo   | 1     | 20
         ,Foo       | Foo   | 2     | 48",
    );
}

/// Plain objects `o{i}` with the property names in `objects` (each pointing at one shared number).
fn plain_objects(objects: &[(&str, &[&str])]) -> String {
    let mut text = String::from("global -property:value-> v:number \"heap number\" 16\n");
    for (handle, properties) in objects {
        text += &format!("global -property:{handle}-> {handle}:object \"Object\" 24\n");
        for property in *properties {
            text += &format!("{handle} -property:{property}-> v\n");
        }
    }
    text
}

#[test]
fn plain_objects_take_the_largest_common_property_set_they_contain() {
    let h = page(&plain_objects(&[
        ("ab1", &["a", "b"]),
        ("ab2", &["a", "b"]),
        ("ab3", &["a", "b"]),
        ("abc1", &["a", "b", "c"]),
        ("abc2", &["a", "b", "c"]),
        ("de1", &["d", "e"]),
        ("de2", &["d", "e"]),
        ("abcd", &["a", "b", "c", "d"]),
        ("abde", &["a", "b", "d", "e"]),
        ("ba", &["b", "a"]),
        ("proto", &["__proto__", "a", "b"]),
        ("ac", &["a", "c"]),
        ("x1", &["x"]),
    ]));
    check_nodes(
        &h,
        "interface names: a property list shared by at least 2 plain objects becomes `{a, b}`; each plain \
         object takes the largest one it contains all of (the most common on ties; `__proto__` ignored), \
         else stays `Object`",
        "node  | class     | name
         ab1   | {a, b}    | {a, b}
         abc1  | {a, b, c} | {a, b, c}
         de1   | {d, e}    | {d, e}
         abcd  | {a, b, c} | {a, b, c, d}
         abde  | {a, b}    | {a, b, d, e}
         ba    | {a, b}    | {b, a}
         proto | {a, b}    | {a, b}
         ac    | Object    | {a, c}
         x1    | Object    | {x}",
    );
    check_summary(
        &h,
        "interface names: each interface is one Summary class",
        "class     | count | shallow
         {a, b}    | 6     | 144
         {a, b, c} | 3     | 72
         {d, e}    | 2     | 48
         Object    | 2     | 48",
    );
}

#[test]
fn an_interface_needs_one_plain_object_in_a_thousand() {
    // `{k}` objects share {a, b}; with `{others}` more plain objects, each with a property of its own.
    let template = format!(
        "{PAGE}
        global -property:value-> v:number \"heap number\" 16
        for i in 1..={{others}}: global -element:{{i}}-> lone{{i}}:object \"Object\" 16
        for i in 1..={{others}}: lone{{i}} -property:own{{i}}-> v
        for i in 1..={{k}}: global -property:ab{{i}}-> ab{{i}}:object \"Object\" 16
        for i in 1..={{k}}: ab{{i}} -property:a-> v
        for i in 1..={{k}}: ab{{i}} -property:b-> v
        "
    );
    let class_of_ab1 = |k: i64, others: i64| {
        let heap = Process::new()
            .snapshot(&template, &[("k", k), ("others", others)])
            .expect("valid notation")
            .analyze();
        heap.snapshot.node_row(heap.node("ab1")).class_name
    };
    let rule = "interface names: a property list needs max(2, plain objects / 1000) objects";
    assert_eq!(class_of_ab1(2, 0), "{a, b}", "{rule}: 2 of 2 plain objects");
    assert_eq!(class_of_ab1(1, 0), "Object", "{rule}: 1 of 1");
    assert_eq!(class_of_ab1(2, 2500), "Object", "{rule}: 2 of 2502 (below 2.502)");
    assert_eq!(class_of_ab1(3, 2500), "{a, b}", "{rule}: 3 of 2503");
}

#[test]
fn a_backing_store_with_one_owner_gives_its_size_to_the_owner() {
    let h = page(
        "
        global -property:cache-> m:object \"Map\" 40
        m -internal:table-> t:array 200
        global -property:o-> o:object \"Thing\" 24
        o -internal:properties-> props:hidden \"system / PropertyArray\" 16
        o -internal:elements-> elems:array 64
        elems -internal:0-> chained:hidden \"system / Chained\" 8
        global -property:s-> ext:object \"Thing\" 10
        ext -internal:resource-> data:native \"system / ExternalStringData\" 30
        ",
    );
    check_nodes(
        &h,
        "shallow sizes: a hidden or array node (or external string data) with one owner, through any chain of \
         such nodes, gives its self size to that owner",
        "node    | shallow | retained
         m       | 240     | 240
         t       | 0       | 0
         o       | 112     | 112
         props   | 0       | 0
         elems   | 0       | 0
         chained | 0       | 0
         ext     | 40      | 40
         data    | 0       | 0",
    );
    check_summary(
        &h,
        "shallow sizes: the Summary leaves out nodes left at 0",
        "class    | count | shallow
         Map      | 1     | 240
         (array)  | 0     | 0
         (system) | 0     | 0",
    );
}

#[test]
fn a_backing_store_with_two_owners_keeps_its_size() {
    let h = page(
        "
        global -property:a-> a:object \"A\" 10
        global -property:b-> b:object \"B\" 10
        a -internal:shared-> both:array 100
        b -internal:shared-> both
        a -internal:own-> weakly:array 50
        b -weak:w-> weakly
        (GC roots) -element:1-> sys:array 70
        global -property:c-> c:object \"C\" 10
        c -internal:x-> chain:hidden 30
        b -internal:y-> chain
        chain -internal:z-> tail:array 5
        ",
    );
    check_nodes(
        &h,
        "shallow sizes: a node with two owners keeps its size, and so does what hangs only from it (a weak \
         edge is no owner; a synthetic owner takes nothing)",
        "node   | shallow | dominator
         both   | 100     | global
         a      | 60      | global
         weakly | 0       | a
         sys    | 70      | (GC roots)
         chain  | 30      | global
         tail   | 5       | chain
         b      | 10      | global",
    );
}

#[test]
fn without_user_roots_no_size_moves() {
    let h = heap(
        "
        root:synthetic
        (GC roots):synthetic
        root -element:1-> (GC roots)
        (GC roots) -element:1-> o:object \"Thing\" 10
        o -internal:elements-> e:array 50
        ",
    );
    check_nodes(
        &h,
        "shallow sizes: a snapshot whose root has no user roots (only synthetic children) moves nothing; \
         distances then count from 0",
        "node       | shallow | retained | distance
         o          | 10      | 60       | 2
         e          | 50      | 50       | 3
         root       | 0       | 60       | 0",
    );
}

#[test]
fn distances_count_user_roots_from_1_and_system_roots_from_the_base() {
    let h = page(
        "
        global -property:a-> a:object \"A\"
        a -property:b-> b:object \"B\"
        (GC roots) -element:1-> sys:object \"Internal\"
        sys -property:c-> c:object \"C\"
        sys -property:a-> a
        global -weak:w-> wk:object \"OnlyWeak\" 10
        sys -weak:w-> wk
        orphan:object \"Orphan\" 10
        root -element:2-> env:synthetic \"Node / Environment\"
        env -property:e-> fromenv:object \"E\"
        ",
    );
    check_nodes(
        &h,
        "distances: user roots (the root's non-synthetic children) at 1, then everything else from the root \
         at system+n; weak edges never count",
        "node       | distance
         root       | system+0
         (GC roots) | system+1
         global     | 1
         a          | 2
         b          | 3
         sys        | system+2
         c          | system+3
         env        | system+1
         fromenv    | system+2
         wk         | -
         orphan     | -",
    );
}

#[test]
fn the_document_dom_trees_root_is_a_user_root() {
    let h = heap(
        "
        root:synthetic \"\"
        (GC roots):synthetic
        root -element:1-> (GC roots)
        root -element:2-> dom:synthetic \"(Document DOM trees)\"
        dom -element:1-> document:native \"HTMLDocument\" 100
        document -element:1-> body:native \"<body>\" 40
        body -internal:1-> store:array 60
        (GC roots) -element:1-> handles:object \"Handles\" 10
        handles -property:body-> body
        ",
    );
    check_nodes(
        &h,
        "user roots: the synthetic `(Document DOM trees)` root of a browser snapshot counts as a user root \
         (distance 1, sizes move, and what it reaches is page-owned)",
        "node     | distance | shallow | dominator
         dom      | 1        | 0       | root
         document | 2        | 100     | dom
         body     | 3        | 100     | document
         store    | 4        | 0       | body
         handles  | system+2 | 10      | (GC roots)",
    );
}

#[test]
fn distances_skip_a_native_contexts_sloppy_function_map() {
    let h = page(
        "
        global -internal:native_context-> nc:hidden \"system / NativeContext\" 100
        nc -internal:sloppy_function_map-> sloppy:object_shape \"system / Map\" 40
        nc -internal:other_map-> other:object_shape \"system / Map\" 40
        other -internal:back_pointer-> sloppy
        ",
    );
    check_nodes(
        &h,
        "distances: a native context's `sloppy_function_map` edge is not followed",
        "node   | distance
         nc     | 2
         other  | 3
         sloppy | 4",
    );
}

/// A WeakMap `wm` whose entry (key `k`, value `v`) is referenced by the key's and the table's internal edges.
const WEAK_MAP: &str = "
    global -property:wm-> wm:object \"WeakMap\" 10
    wm -internal:table-> t:array 40 @901
    global -property:key-> k:object \"Key\" 10 @903
    k -internal:\"1 / part of key (Key @903) -> value (Value @905) pair in WeakMap (table @901)\"-> v:object \"Value\" 100 @905
    t -internal:\"1 / part of key (Key @903) -> value (Value @905) pair in WeakMap (table @901)\"-> v
";

#[test]
fn a_weak_map_value_is_as_far_as_the_later_of_its_key_and_table() {
    let h = page(WEAK_MAP);
    check_nodes(
        &h,
        "distances: a WeakMap value takes the later of its key's and its table's edges (key at 2, table at 3)",
        "node | distance
         k    | 2
         t    | 3
         v    | 4",
    );
}

#[test]
fn dominators_ignore_a_weak_maps_table_to_value_edge() {
    let h = page(WEAK_MAP);
    check_dominators(
        &h,
        "essential edges: `N / part of key (… @K) -> value (… @V) pair in WeakMap (table @T)` from the table \
         @T does not retain the value; the key's edge does",
        "global
           wm 50
             t 0
           k 110
             v 100",
    );
}

#[test]
fn dominators_ignore_weak_edges() {
    let h = page(
        "
        global -property:a-> a:object \"A\" 10
        global -property:b-> b:object \"B\" 10
        a -property:x-> x:object \"X\" 100
        b -weak:x-> x
        ",
    );
    check_dominators(
        &h,
        "essential edges: a weak edge does not retain",
        "global 220
           a 110
             x 100
           b 10",
    );
}

#[test]
fn dominators_ignore_shortcuts_except_from_the_root() {
    let h = page(
        "
        global -property:a-> a:object \"A\" 10
        global -property:b-> b:object \"B\" 10
        a -property:y-> y:object \"Y\" 100
        b -shortcut:y-> y
        ",
    );
    check_dominators(
        &h,
        "essential edges: a shortcut edge retains only from the root (where it marks a global object)",
        "root
           (GC roots)
           global 220
             a 110
               y 100
             b 10",
    );
}

#[test]
fn dominators_ignore_edges_from_outside_the_page_into_it() {
    let h = page(
        "
        global -property:a-> a:object \"A\" 10
        a -property:p-> p:object \"P\" 100
        (GC roots) -element:1-> handles:object \"Handles\" 10
        handles -property:p-> p
        handles -property:q-> q:object \"Q\" 20
        ",
    );
    check_dominators(
        &h,
        "essential edges: an edge from a node the page does not own (not reached from the global objects) \
         into a page-owned node does not retain",
        "root 240
           (GC roots) 30
             handles 30
               q 20
           global 210
             a 110
               p 100",
    );
}

#[test]
fn dominators_of_shared_objects_and_orphans() {
    let h = page(
        "
        global -property:a-> a:object \"A\" 10
        global -property:b-> b:object \"B\" 10
        a -property:z-> z:object \"Z\" 100
        b -property:z-> z
        a -property:self-> a
        z -property:deep-> d:object \"D\" 5
        orphan:object \"Orphan\" 7
        orphan -property:child-> oc:object \"OrphanChild\" 3
        global -weak:w-> onlyweak:object \"OnlyWeak\" 1
        ",
    );
    check_dominators(
        &h,
        "dominators: an object with two owners hangs from their common dominator; self edges do not count; \
         what no counted edge reaches hangs from the root",
        "root 236
           (GC roots) 0
           global 225
             a 10
             b 10
             z 105
               d 5
           orphan 10
             oc 3
           onlyweak 1",
    );
}

#[test]
fn a_class_retained_size_counts_nested_objects_of_the_class_once() {
    let h = page(
        "
        global -property:list-> n1:object \"Node\" 10
        n1 -property:next-> n2:object \"Node\" 10
        n2 -property:next-> n3:object \"Node\" 10
        n3 -property:value-> payload:object \"Payload\" 500
        global -property:other-> n4:object \"Node\" 10
        ",
    );
    check_summary(
        &h,
        "retained sizes: a class's retained size counts an object only when no dominator of the same class \
         was counted",
        "class   | count | shallow | retained | distance
         Node    | 4     | 40      | 540      | 2
         Payload | 1     | 500     | 500      | 5",
    );
}

#[test]
fn a_failed_check_names_its_rule_node_and_column() {
    let h = page("global -property:cache-> m:object \"Map\" 40\nm -internal:table-> t:array 200\n");
    let failure = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        check_nodes(&h, "shallow sizes: the example rule", "node | shallow\nm | 40\nt | 0");
    }))
    .expect_err("m's shallow size is 240, not 40");
    let message = failure.downcast_ref::<String>().expect("a formatted panic message");
    assert!(message.contains("rule `shallow sizes: the example rule` broke"), "{message}");
    assert!(message.contains("line 2, node `m`, shallow: expected 40, got 240"), "{message}");
    assert!(!message.contains("node `t`"), "{message}");
}
