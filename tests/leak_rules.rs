//! The leak detectors of `src/leaks/suspects.rs`, one data-driven test each, on series of three snapshots
//! of one process written in the heap notation (`tests/common/heap_notation.rs`): one template taken at
//! three sizes `{n}`, the same V8 id for the same object in every snapshot, pushed through
//! `heapscope::leaks::Series`. Each test names the detector's rule and expects the whole ranked list of
//! suspects (kind, holder, class, entries per snapshot, owner path); steady and fill-then-plateau series must
//! give none. Sizes are chosen above the thresholds (`MIN_RETAINED_GROWTH`, `MIN_TIMER_GROWTH`).

#[allow(dead_code, reason = "each test crate uses its part of the shared support (graph_rules the rest)")]
mod common;

use common::check::check_suspects;
use common::heap_notation::{series, LeakRun};
use heapscope::leaks::suspects::{MIN_RETAINED_GROWTH, MIN_TIMER_GROWTH};

/// A Node process: the synthetic root, `(GC roots)` and the global object (the user root).
const NODE: &str = "
    root:synthetic \"\"
    (GC roots):synthetic
    global:object \"global\" 2000
    root -element:1-> (GC roots)
    root -shortcut:global-> global
";

/// `body` in a Node process, taken with `n` = each of `sizes`.
fn run(body: &str, sizes: &[i64]) -> LeakRun {
    series(&[NODE, body].concat(), "n", sizes)
}

/// A Map with `n` entries (a key string and a 16 KB value each) in its hash table.
const MAP: &str = "
    global -property:cache-> cache:object \"Map\" 64
    cache -internal:table-> table:array 200
    for i in 1..={n}: table -element:{2*i}-> key{i}:string \"key-{i}\" 32
    for i in 1..={n}: table -element:{2*i+1}-> value{i}:object \"Response\" 16000
";

/// An Array of `n` records, 12 KB each.
const ARRAY: &str = "
    global -property:queue-> queue:object \"Array\" 32
    for i in 1..={n}: queue -element:{i-1}-> job{i}:object \"Job\" 12000
";

/// A plain object used as a dictionary: `n` properties, 8 KB values.
const DICTIONARY: &str = "
    global -property:sessions-> sessions:object \"Object\" 48
    for i in 1..={n}: sessions -property:sid{i}-> session{i}:object \"Session\" 8000
";

#[test]
fn a_growing_map_array_or_dictionary_is_a_collection() {
    let leak = run(&[MAP, ARRAY, DICTIONARY].concat(), &[10, 20, 30]);
    check_suspects(
        &leak,
        "collection: a Map, an Array or an object used as a dictionary whose entries keep growing, where the \
         growth hangs (most accumulated bytes first)",
        "kind       | holder   | class  | entries      | path
         collection | cache    | Map    | 10 → 20 → 30 | global → cache (Map)
         collection | queue    | Array  | 10 → 20 → 30 | global → queue (Array)
         collection | sessions | Object | 10 → 20 → 30 | global → sessions (Object)",
    );
    let survivors = leak.report.survivors.as_ref().expect("three snapshots");
    assert_eq!(
        survivors.total_count, 40,
        "three-snapshot technique: objects new in S2 and alive in S3 (10 keys, 10 values, 10 jobs, 10 sessions)"
    );
}

#[test]
fn a_collection_that_fills_then_stays_full_is_no_suspect() {
    let leak = run(&[MAP, ARRAY, DICTIONARY].concat(), &[10, 30, 30]);
    check_suspects(
        &leak,
        "only real growth: every interval must grow by a fifth of the mean interval (a cache that filled once \
         and stays full does not)",
        "kind | holder",
    );
}

#[test]
fn listeners_piling_up_under_events_are_listeners() {
    let leak = run(
        "
        global -property:server-> server:object \"Server\" 200
        server -property:_events-> events:object \"Object\" 64
        events -property:request-> handlers:object \"Array\" 32
        for i in 1..={n}: handlers -element:{i-1}-> onRequest{i}:closure \"onRequest\" 64
        for i in 1..={n}: onRequest{i} -internal:context-> scope{i}:object \"system / Context\" 40
        for i in 1..={n}: scope{i} -context:session-> session{i}:object \"Session\" 12000
        ",
        &[10, 20, 30],
    );
    check_suspects(
        &leak,
        "listeners: the growing holder is an EventEmitter's `_events` entry",
        "kind      | holder   | class | entries      | path
         listeners | handlers | Array | 10 → 20 → 30 | global → server (Server) → _events → request (Array)",
    );
}

/// Node's timers: a TimersList with `n` Timeouts in its ring (`_idleNext` forwards, `_idlePrev` back).
const TIMERS: &str = "
    global -property:timerListMap-> lists:object \"Object\" 64
    lists -property:30000-> list:object \"TimersList\" 80
    for i in 1..={n}: t{i}:object \"Timeout\" 120
    list -property:_idleNext-> t1
    for i in 1..{n}: t{i} -property:_idleNext-> t{i+1}
    t{n} -property:_idleNext-> list
    list -property:_idlePrev-> t{n}
    for i in 2..={n}: t{i} -property:_idlePrev-> t{i-1}
    t1 -property:_idlePrev-> list
    for i in 1..={n}: t{i} -property:_onTimeout-> tick{i}:closure \"tick\" 64
";

#[test]
fn timeouts_piling_up_in_a_timer_list_are_timers() {
    let leak = run(TIMERS, &[20, 50, 80]);
    assert!(80 - 20 >= MIN_TIMER_GROWTH as i64);
    check_suspects(
        &leak,
        "timers: live Timeout objects rise by at least 50, in every interval; the suspect is the TimersList \
         holding most of them in its `_idleNext` ring",
        "kind   | holder | class      | entries      | path
         timers | list   | TimersList | 20 → 50 → 80 | global → timerListMap → 30000 (TimersList)",
    );
}

#[test]
fn fewer_than_50_new_timers_are_no_suspect() {
    check_suspects(
        &run(TIMERS, &[20, 40, 60]),
        "timers: live timers must rise by at least 50 from first to last snapshot",
        "kind | holder",
    );
    check_suspects(
        &run(TIMERS, &[20, 80, 82]),
        "timers: live timers must rise in every interval by a fifth of the mean interval",
        "kind | holder",
    );
}

#[test]
fn a_promise_collecting_reactions_is_promises() {
    let leak = run(
        "
        global -property:ready-> ready:object \"Promise\" 32
        for i in 1..={n}: reaction{i}:hidden \"system / PromiseReaction\" 40
        ready -internal:reactions_or_result-> reaction{n}
        for i in 2..={n}: reaction{i} -internal:next-> reaction{i-1}
        for i in 1..={n}: reaction{i} -internal:fulfill_handler-> then{i}:closure \"onReady\" 64
        for i in 1..={n}: then{i} -internal:context-> scope{i}:object \"system / Context\" 40
        for i in 1..={n}: scope{i} -context:request-> request{i}:object \"Request\" 8000
        ",
        &[10, 20, 30],
    );
    check_suspects(
        &leak,
        "promises: a Promise that never settles collects new reactions (newest first in its chain)",
        "kind     | holder | class   | path
         promises | ready  | Promise | global → ready (Promise)",
    );
}

#[test]
fn properties_added_to_the_global_object_are_global() {
    let leak = run(
        "for i in 1..={n}: global -property:record{i}-> record{i}:object \"Record\" 12000",
        &[10, 20, 30],
    );
    check_suspects(
        &leak,
        "global: the holder is a user root (distance 1), the global object itself",
        "kind   | holder | class  | entries      | path
         global | global | global | 10 → 20 → 30 | global (global)",
    );
}

#[test]
fn a_function_contexts_growing_variable_is_a_closure() {
    let leak = run(
        "
        # theThing: each new object keeps the previous one, through a function context's variable.
        global -property:replaceThing-> replace:closure \"replaceThing\" 64
        replace -internal:context-> scope:object \"system / Context\" 48
        scope -internal:previous-> outer:object \"system / Context\" 40
        for i in 1..={n}: thing{i}:object \"Thing\" 10000
        scope -context:theThing-> thing{n}
        for i in 2..={n}: thing{i} -property:originalThing-> thing{i-1}
        # a function context's variable holding a growing array
        global -property:track-> track:closure \"track\" 64
        track -internal:context-> trackScope:object \"system / Context\" 48
        trackScope -internal:previous-> outer
        trackScope -context:seen-> seen:object \"Array\" 32
        for i in 1..={n}: seen -element:{i-1}-> visit{i}:object \"Visit\" 7000
        # a module's context (its previous is the native context): a collection, not a closure
        global -property:module-> moduleFn:closure \"load\" 64
        moduleFn -internal:context-> moduleScope:object \"system / Context\" 48
        moduleScope -internal:previous-> native:hidden \"system / NativeContext\" 500
        moduleScope -context:registry-> registry:object \"Array\" 32
        for i in 1..={n}: registry -element:{i-1}-> entry{i}:object \"Entry\" 5000
        ",
        &[10, 20, 30],
    );
    check_suspects(
        &leak,
        "closure: growth held by a function context's variable (the context itself, or what a variable of \
         it holds); a module context's variable is a collection",
        "kind       | holder     | class            | path
         closure    | scope      | system / Context | global → replaceThing → context → theThing (Thing)
         closure    | seen       | Array            | global → track → context → seen (Array)
         collection | registry   | Array            | global → module → context → registry (Array)",
    );
}

#[test]
fn growth_made_of_array_buffer_backing_stores_is_buffers() {
    let leak = run(
        "
        global -property:pool-> pool:object \"Array\" 32
        for i in 1..={n}: pool -element:{i-1}-> buffer{i}:object \"Buffer\" 96
        for i in 1..={n}: buffer{i} -internal:buffer-> ab{i}:object \"ArrayBuffer\" 80
        for i in 1..={n}: ab{i} -internal:backing_store-> store{i}:native \"system / JSArrayBufferData\" 16384
        ",
        &[10, 20, 30],
    );
    check_suspects(
        &leak,
        "buffers: ArrayBuffer backing stores (`system / JSArrayBufferData`) make up at least 40% of what the \
         holder retains",
        "kind    | holder | class | entries      | path
         buffers | pool   | Array | 10 → 20 → 30 | global → pool (Array)",
    );
}

#[test]
fn growth_made_of_detached_dom_nodes_is_detached_dom() {
    let leak = run(
        "
        global -property:widgetCache-> widgets:object \"Array\" 32
        for i in 1..={n}: widgets -element:{i-1}-> wrapper{i}:object \"HTMLDivElement\" 64
        for i in 1..={n}: wrapper{i} -internal:native-> div{i}:native \"<div class=widget>\" 200 detached
        for i in 1..={n}: div{i} -element:1-> span{i}:native \"<span>\" 12000
        ",
        &[10, 20, 30],
    );
    check_suspects(
        &leak,
        "detached-dom: detached native DOM nodes make up the growth",
        "kind         | holder  | class | entries      | path
         detached-dom | widgets | Array | 10 → 20 → 30 | global → widgetCache (Array)",
    );
}

#[test]
fn growth_made_of_copies_of_one_string_is_duplicate_strings() {
    let leak = run(
        "
        global -property:auditLog-> log:object \"Array\" 32
        for i in 1..={n}: log -element:{i-1}-> line{i}:string \"GET /api/users?page=1 HTTP/1.1 200 OK\" 4096
        ",
        &[20, 40, 60],
    );
    check_suspects(
        &leak,
        "duplicate-strings: copies of one string (32 bytes or more) make up the growth",
        "kind              | holder | class | entries      | path
         duplicate-strings | log    | Array | 20 → 40 → 60 | global → auditLog (Array)",
    );
}

#[test]
fn a_steady_process_has_no_suspect() {
    let leak = run(&[MAP, ARRAY, DICTIONARY, TIMERS].concat(), &[60, 60, 60]);
    assert!(60 * 16000 > MIN_RETAINED_GROWTH as i64, "large enough to be a suspect, were it growing");
    check_suspects(
        &leak,
        "only real growth: the same contents in every snapshot give no suspect",
        "kind | holder",
    );
}

#[test]
fn growth_below_the_thresholds_is_no_suspect() {
    check_suspects(
        &run("for i in 1..={n}: global -element:{i}-> small{i}:object \"Small\" 3000", &[10, 20, 30]),
        "only real growth: a holder must gain at least 64 KiB (here 60,000 bytes)",
        "kind | holder",
    );
    check_suspects(
        &run(MAP, &[100, 105, 110]),
        "only real growth: the last retained size must be 20% above the first (here +160 KB on 1.6 MB)",
        "kind | holder",
    );
}

#[test]
fn growth_held_by_v8_internals_is_no_suspect() {
    let leak = run(
        "
        global -property:fn-> fn:closure \"compile\" 64
        fn -internal:shared-> info:code \"system / SharedFunctionInfo\" 56
        for i in 1..={n}: info -internal:{i}-> feedback{i}:object \"Feedback\" 12000
        global -property:shape-> map:object_shape \"system / Map\" 80
        for i in 1..={n}: map -internal:t{i}-> transition{i}:object \"Transition\" 12000
        ",
        &[10, 20, 30],
    );
    check_suspects(&leak, "V8 internals (code, object shapes) are never suspects", "kind | holder");
}

#[test]
fn one_snapshot_names_the_large_retainers() {
    check_suspects(
        &run(MAP, &[100]),
        "large-retainer: with one snapshot, the objects holding at least 10% of the heap and 1 MiB",
        "kind           | holder | class | entries | path
         large-retainer | cache  | Map   | 100     | global → cache (Map)",
    );
}
