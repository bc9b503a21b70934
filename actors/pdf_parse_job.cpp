#include "actors/pdf_parse_job.hpp"

#include <caf/actor_pool.hpp>

#include "actors/log.hpp"
#include "actors/messages.hpp"
#include "daemon/reader_process.hpp"

namespace siberius::actors {

caf::behavior pdf_parse_job(caf::event_based_actor* self, pdf_check_options options) {
  auto reader = std::make_shared<daemon::reader_process>(options.reader_exe, options.time_limit,
                                                         std::chrono::seconds(5),
                                                         std::vector<std::string>{"--check-only"});
  auto generation = std::make_shared<std::uint64_t>(0);
  self->attach_functor([reader] { reader->stop(); });
  return {
    [=](atom::check_pdf, const std::string& path) -> daemon::pdf_facts {
      auto my_turn = ++*generation;
      self->delayed_send(self, options.idle_exit, atom::reader_idle_v, my_turn);
      try {
        auto facts = reader->read(path);
        if (facts.problem == daemon::pdf_problem::reader_crashed)
          log_event(log_level::warn, "pdf:reader:restarted", {{"path", path}, {"reason", facts.reason}});
        return facts;
      } catch (const std::exception& e) {
        daemon::pdf_facts f;
        f.problem = daemon::pdf_problem::io_error;
        f.reason = std::string("cannot check: ") + e.what();
        return f;
      }
    },
    [=](atom::reader_idle, std::uint64_t turn) {
      if (turn == *generation && reader->running())
        reader->stop();
    },
  };
}

caf::actor spawn_pdf_check_pool(caf::actor_system& sys, pdf_check_options options, std::size_t n) {
  auto factory = [&sys, options] { return sys.spawn<caf::detached>(pdf_parse_job, options); };
  return caf::actor_pool::make(sys.dummy_execution_unit(), n, factory, caf::actor_pool::round_robin());
}

} // namespace siberius::actors
