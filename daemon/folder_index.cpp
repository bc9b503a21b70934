#include "daemon/folder_index.hpp"

#include <algorithm>

#include "daemon/file_rules.hpp"
#include "daemon/log.hpp"
#include "pdf/reader_process.hpp"
#include "platform/files.hpp"

namespace siberius::daemon {

bool folder_entry::is_broken() const {
  return facts.problem != pdf_problem::none && facts.problem != pdf_problem::no_text_layer;
}

std::string folder_entry::report_key() const {
  return path + "|" + std::to_string(size) + "|" + std::to_string(mtime_ns);
}

namespace {
nlohmann::json or_null(const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

// The file's name on its own, whatever the platform's separator.
std::string base_name(const std::string& path) { return platform::base_name(path); }
} // namespace

nlohmann::json document_payload(const folder_entry& e, const std::string& indexed_at) {
  const auto& m = e.facts.metadata;
  nlohmann::json meta = {
      {"tipo", m.tipo},
      {"numero", or_null(m.numero)},
      {"cliente", or_null(m.cliente)},
      {"dataEvento", or_null(m.data_evento)},
      {"valorTotal", m.valor_total ? nlohmann::json(*m.valor_total) : nlohmann::json()},
  };
  if (e.facts.problem != pdf_problem::none) {
    meta["problem"] = to_string(e.facts.problem);
    meta["reason"] = e.facts.reason;
  }
  nlohmann::json doc = {{"filename", base_name(e.path)}, {"fileHash", e.facts.sha256}, {"fileSize", e.facts.size},
                        {"filePath", e.path},           {"metadata", std::move(meta)},  {"indexedAt", indexed_at}};
  // What daemon:stat_check compares after a restart (ms: exact in any JSON reader).
  if (e.mtime_ns >= 0)
    doc["fileMtimeMs"] = e.mtime_ns / 1000000;
  return doc;
}

nlohmann::json error_payload(const folder_entry& e) {
  nlohmann::json err = {{"message", e.facts.reason.empty() ? to_string(e.facts.problem) : e.facts.reason},
                        {"code", to_string(e.facts.problem)},
                        {"filePath", e.path}};
  if (!e.facts.sha256.empty())
    err["fileHash"] = e.facts.sha256;
  err["details"] = {{"fileSize", e.size}};
  return err;
}

pdf_parse_actor::behavior_type pdf_parse_job(pdf_parse_actor::pointer self, parse_job_options options) {
  auto reader = std::make_shared<resident_reader>(options.reader_exe, options.time_limit);
  self->attach_functor([reader] { reader->stop(); });
  return {
      [=](atom::parse, const std::string& path) -> pdf_facts {
        std::uint64_t turn = 0;
        bool restarted = false;
        auto facts = reader->read(path, turn, restarted);
        self->delayed_send(self, options.idle_exit, atom::reader_idle_v, turn);
        if (restarted)
          log_event(log_level::warn, "pdf:reader:restarted", {{"path", path}, {"reason", facts.reason}});
        return facts;
      },
      [=](atom::reader_idle, std::uint64_t turn) { reader->end_if_idle(turn); },
  };
}

namespace {
constexpr std::size_t stat_chunk_size = 2000; // the server's limit per daemon:stat_check chunk
using file_state = folder_index_state::tracked_file::state;

} // namespace

void folder_index_state::on_file_ready(const std::string& path, std::int64_t size, std::int64_t mtime_ns) {
  auto [found, fresh] = files.try_emplace(path);
  auto& f = *found;
  if (!fresh && !f.gone && f.size == size && f.mtime_ns == mtime_ns)
    return; // this version is known or on its way
  f.size = size;
  f.mtime_ns = mtime_ns;
  f.gone = false;
  f.vouched = false;
  f.verifying = false;
  if (f.status == file_state::reading || f.status == file_state::checking)
    return; // on_read / on_checked sees the new size and mtime
  file_look look;
  look.size = size;
  look.mtime_ns = mtime_ns;
  if (fresh && !scan_done && server_checks && written_long_ago(look, options.settle_interval, wall_clock_ns())) {
    // The first scan's old files: perhaps the server holds them unchanged
    // (they wait for its answer, however long the server takes to reach).
    f.status = file_state::unchecked;
    unchecked.push_back(path);
    if (!check_scheduled) {
      // After the file_ready messages already waiting: one chunk for the whole burst.
      check_scheduled = true;
      self->send(self, atom::stat_check_v);
    }
    return;
  }
  start_reading(path, f);
}

void folder_index_state::start_reading(const std::string& path, tracked_file& f) {
  f.status = file_state::reading;
  backlog.push_back(path);
  dispatch();
}

void folder_index_state::on_file_gone(const std::string& path) {
  auto* f = files.find(path);
  if (!f)
    return;
  bool was_known = f->status == file_state::known;
  if (f->status == file_state::reading || f->status == file_state::checking || f->status == file_state::unchecked) {
    // Someone still holds the path: forget it when that comes back.
    f->gone = true;
  } else {
    files.erase(path);
    broken_facts.erase(path);
  }
  log_event(log_level::info, "pdf:gone", {{"path", path}});
  if (was_known)
    self->send(link, atom::folder_changed_v);
}

void folder_index_state::check_more() {
  if (check_in_flight || unchecked.empty())
    return;
  std::vector<stat_probe> probes;
  std::vector<std::string> paths;
  while (!unchecked.empty() && probes.size() < stat_chunk_size) {
    auto path = std::move(unchecked.front());
    unchecked.pop_front();
    auto* f = files.find(path);
    if (!f)
      continue;
    if (f->gone) {
      files.erase(path);
      continue;
    }
    f->status = file_state::checking;
    probes.push_back({path, f->size, f->mtime_ns});
    paths.push_back(std::move(path));
  }
  if (probes.empty())
    return dispatch();
  check_in_flight = true;
  self->request(link, caf::infinite, atom::stat_check_v, std::move(probes))
      .then([this, paths](stat_answer& answer) { on_checked(paths, std::move(answer)); },
            [this, paths](caf::error& err) {
              log_event(log_level::warn, "index:stat_check:failed", {{"reason", caf::to_string(err)}});
              stat_answer none;
              none.supported = false;
              on_checked(paths, std::move(none));
            });
}

void folder_index_state::on_checked(std::vector<std::string> paths, stat_answer answer) {
  check_in_flight = false;
  std::unordered_map<std::string, std::string> known(answer.known.begin(), answer.known.end());
  std::size_t trusted = 0;
  for (auto& path : paths) {
    auto* found = files.find(path);
    if (!found)
      continue;
    auto& f = *found;
    if (f.gone) {
      files.erase(path);
      continue;
    }
    auto k = known.find(path);
    // A file that changed while asked (on_file_ready updated it) is read.
    if (k != known.end() && sha256_from_hex(k->second, f.hash)) {
      f.status = file_state::known;
      f.vouched = true;
      ++trusted;
    } else {
      start_reading(path, f);
    }
  }
  if (!answer.supported && server_checks) {
    // A server from before daemon:stat_check: every file is read, as always.
    server_checks = false;
    log_event(log_level::info, "index:stat_check:unsupported", {{"reading", unchecked.size() + paths.size()}});
    while (!unchecked.empty()) {
      auto path = std::move(unchecked.front());
      unchecked.pop_front();
      if (auto* f = files.find(path))
        start_reading(path, *f);
    }
  }
  log_event(log_level::debug, "index:stat_check", {{"files", paths.size()}, {"trusted", trusted}});
  if (trusted > 0)
    arm_verify();
  check_more();
  dispatch();
}

void folder_index_state::dispatch() {
  while (!backlog.empty() && !idle_workers.empty() && !link_full) {
    auto path = backlog.front();
    backlog.pop_front();
    auto* f = files.find(path);
    if (!f)
      continue;
    if (f->gone) {
      files.erase(path);
      broken_facts.erase(path);
      continue;
    }
    auto worker = idle_workers.back();
    idle_workers.pop_back();
    ++reading_now;
    auto size = f->size;
    auto mtime = f->mtime_ns;
    in_flight[worker.address()] = {path, size, mtime};
    // Whichever comes first ends the read: the answer, or the worker's death
    // (on_worker_down); the other finds nothing in flight.
    auto asked = std::chrono::steady_clock::now();
    self->request(worker, caf::infinite, atom::parse_v, path)
        .then([this, path, worker, size, mtime, asked](pdf_facts& facts) {
                auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - asked);
                self->send(link, atom::read_timing_v, static_cast<std::int64_t>(us.count()));
                if (in_flight.erase(worker.address()) > 0)
                  on_read(path, worker, size, mtime, std::move(facts));
              },
              [this, path, worker, size, mtime](caf::error& err) {
                if (in_flight.erase(worker.address()) == 0)
                  return;
                pdf_facts facts;
                facts.problem = pdf_problem::io_error;
                facts.reason = "parse worker failed: " + caf::to_string(err);
                on_read(path, worker, size, mtime, std::move(facts));
              });
  }
  if (settled())
    answer_waiters();
}

void folder_index_state::on_read(const std::string& path, pdf_parse_actor worker, std::int64_t size,
                                 std::int64_t mtime_ns, pdf_facts facts) {
  --reading_now;
  // A worker that died is not given work again (it would fail every file).
  if (std::find(workers.begin(), workers.end(), worker) != workers.end())
    idle_workers.push_back(std::move(worker));
  if (auto* found = files.find(path)) {
    auto& f = *found;
    if (f.gone) { // deleted while being read
      files.erase(path);
      broken_facts.erase(path);
    } else if (f.size != size || f.mtime_ns != mtime_ns) { // changed while being read: read the new version
      f.verifying = false;
      backlog.push_back(path);
    } else {
      folder_entry entry{path, size, mtime_ns, std::move(facts)};
      bool verifying = f.verifying;
      f.verifying = false;
      f.vouched = false;
      sha256_bytes read_hash{};
      bool hashed = sha256_from_hex(entry.facts.sha256, read_hash);
      bool had_hash = f.status == file_state::known || verifying;
      bool hash_changed = had_hash && (!hashed || read_hash != f.hash);
      if (entry.is_broken()) {
        f.status = file_state::broken;
        broken_facts[path] = entry.facts;
        log_event(log_level::warn, "pdf:broken",
                  {{"path", path}, {"problem", to_string(entry.facts.problem)}, {"reason", entry.facts.reason}});
        self->send(link, atom::broken_v, std::move(entry));
      } else {
        f.status = file_state::known;
        f.hash = read_hash;
        broken_facts.erase(path);
        if (verifying && !hash_changed) {
          log_event(log_level::debug, "pdf:verified", {{"path", path}});
        } else {
          if (verifying)
            log_event(log_level::warn, "pdf:verify:changed",
                      {{"path", path}, {"hash", entry.facts.sha256},
                       {"note", "the file changed without a new size or mtime"}});
          log_event(log_level::info, "pdf:read",
                    {{"path", path}, {"hash", entry.facts.sha256}, {"tipo", entry.facts.metadata.tipo},
                     {"problem", to_string(entry.facts.problem)}});
          self->send(link, atom::document_v, std::move(entry));
        }
      }
      // The old hash's row is no longer this file: a reconciliation marks it.
      if (hash_changed)
        self->send(link, atom::folder_changed_v);
    }
  }
  dispatch();
}

void folder_index_state::on_worker_down(const caf::down_msg& msg) {
  auto dead = std::find_if(workers.begin(), workers.end(), [&](const pdf_parse_actor& w) { return w.address() == msg.source; });
  if (dead == workers.end())
    return;
  auto worker = *dead;
  workers.erase(dead);
  idle_workers.erase(std::remove(idle_workers.begin(), idle_workers.end(), worker), idle_workers.end());
  replacements->erase(std::remove(replacements->begin(), replacements->end(), worker), replacements->end());
  // At a stop the workers are ended on purpose: no replacement then (it
  // would outlive the stop).
  bool failed = msg.reason && msg.reason != caf::exit_reason::normal && msg.reason != caf::exit_reason::user_shutdown;
  if (failed)
    log_event(log_level::error, "index:worker:died",
              {{"reason", caf::to_string(msg.reason)}, {"replaced", static_cast<bool>(options.replace_worker)}});
  if (failed && options.replace_worker) {
    auto fresh = options.replace_worker();
    self->monitor(fresh);
    replacements->push_back(fresh);
    workers.push_back(fresh);
    idle_workers.push_back(std::move(fresh));
  }
  // The file it was reading is reported as not read; reading it again could
  // kill the next worker the same way.
  if (auto i = in_flight.find(msg.source); i != in_flight.end()) {
    auto read = std::move(i->second);
    in_flight.erase(i);
    pdf_facts facts;
    facts.problem = pdf_problem::io_error;
    facts.reason = "the parse worker stopped while reading this file (" + caf::to_string(msg.reason) + ")";
    on_read(read.path, worker, read.size, read.mtime_ns, std::move(facts));
  } else {
    dispatch();
  }
}

void folder_index_state::reread(const std::vector<std::string>& paths) {
  for (auto& path : paths) {
    auto* f = files.find(path);
    if (!f || f->gone || f->status != file_state::known)
      continue;
    f->vouched = false;
    start_reading(path, *f);
  }
}

void folder_index_state::arm_verify() {
  if (verify_armed || options.verify_per_hour <= 0)
    return;
  std::size_t vouched = 0;
  files.for_each_file([&](const std::string&, const std::string&, tracked_file& f) { vouched += f.vouched ? 1 : 0; });
  if (vouched == 0)
    return;
  // verify_per_hour % of the vouched files per hour, spread evenly, at most 10 a second.
  auto per_hour = options.verify_per_hour / 100.0 * static_cast<double>(vouched);
  auto period = std::chrono::milliseconds(std::max<std::int64_t>(100, static_cast<std::int64_t>(3600000.0 / per_hour)));
  verify_armed = true;
  self->delayed_send(self, period, atom::verify_tick_v);
}

void folder_index_state::verify_one() {
  verify_armed = false;
  // Low priority: only when nothing else waits to be read.
  if (settled() && !idle_workers.empty()) {
    std::string pick;
    files.for_each_file([&](const std::string& folder, const std::string& name, tracked_file& f) {
      if (pick.empty() && f.vouched && !f.gone && f.status == file_state::known)
        pick = platform::join(folder, name);
    });
    if (auto* f = pick.empty() ? nullptr : files.find(pick)) {
      f->vouched = false;
      f->verifying = true;
      start_reading(pick, *f);
    }
  }
  arm_verify();
}

folder_inventory folder_index_state::snapshot() const {
  folder_inventory all;
  // The table visits one folder's files together: each folder is listed once.
  files.for_each_file([&](const std::string& folder, const std::string& name, const tracked_file& f) {
    if (f.gone)
      return;
    if (f.status == file_state::known) {
      if (all.indexed.empty() || all.indexed.back().path != folder)
        all.indexed.push_back({folder, {}});
      all.indexed.back().files.emplace_back(name, f.hash);
    } else if (f.status == file_state::broken) {
      auto path = platform::join(folder, name);
      if (auto b = broken_facts.find(path); b != broken_facts.end())
        all.broken.push_back(folder_entry{path, f.size, f.mtime_ns, b->second});
    }
  });
  return all;
}

std::vector<std::string> folder_index_state::paths_of(const std::string& hash) const {
  std::vector<std::string> paths;
  sha256_bytes wanted{};
  if (!sha256_from_hex(hash, wanted))
    return paths;
  files.for_each_file([&](const std::string& folder, const std::string& name, const tracked_file& f) {
    if (f.status == file_state::known && !f.gone && f.hash == wanted)
      paths.push_back(platform::join(folder, name));
  });
  return paths;
}

void folder_index_state::answer_waiters() {
  for (auto& [hash, rp] : locate_waiters)
    rp.deliver(paths_of(hash));
  locate_waiters.clear();
  if (inventory_waiters.empty())
    return;
  auto all = snapshot();
  for (auto& rp : inventory_waiters)
    rp.deliver(all);
  inventory_waiters.clear();
}

folder_index_actor::behavior_type folder_index(folder_index_actor::stateful_pointer<folder_index_state> self,
                                               server_link_actor link, std::vector<pdf_parse_actor> workers,
                                               index_options options) {
  auto& st = self->state;
  st.self = self;
  st.link = std::move(link);
  st.options = options;
  st.workers = workers;
  st.idle_workers = std::move(workers);
  for (auto& w : st.workers)
    self->monitor(w);
  // The first workers are ended by whoever made them; the replacements, only
  // the index knows: they end with it.
  self->attach_functor([spawned = st.replacements] {
    for (auto& w : *spawned)
      caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
  });
  self->set_down_handler([self](caf::down_msg& msg) { self->state.on_worker_down(msg); });
  return {
      [self](atom::file_ready, const std::string& path, std::int64_t size, std::int64_t mtime_ns) {
        self->state.on_file_ready(path, size, mtime_ns);
      },
      [self](atom::file_gone, const std::string& path) { self->state.on_file_gone(path); },
      [self](atom::scan_done) {
        self->state.scan_done = true;
        self->state.dispatch();
      },
      [self](atom::reread, const std::vector<std::string>& paths) { self->state.reread(paths); },
      [self](atom::stat_check) {
        self->state.check_scheduled = false;
        self->state.check_more();
      },
      [self](atom::verify_tick) { self->state.verify_one(); },
      [self](atom::queue_room, bool room) {
        self->state.link_full = !room;
        self->state.dispatch();
      },
      [self](atom::locate, const std::string& hash) -> caf::result<std::vector<std::string>> {
        // Before the first scan is complete "not found" would be a guess.
        if (self->state.settled())
          return self->state.paths_of(hash);
        auto rp = self->make_response_promise<std::vector<std::string>>();
        self->state.locate_waiters.emplace_back(hash, rp);
        return rp;
      },
      [self](atom::inventory) -> caf::result<folder_inventory> {
        if (self->state.settled())
          return self->state.snapshot();
        auto rp = self->make_response_promise<folder_inventory>();
        self->state.inventory_waiters.push_back(rp);
        return rp;
      },
  };
}

} // namespace siberius::daemon
