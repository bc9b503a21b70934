#include "actors/pdf_parse_job.hpp"

#include "actors/log.hpp"
#include "actors/messages.hpp"
#include "actors/supervision.hpp"
#include "pdf/reader_process.hpp"

namespace siberius::actors {

caf::behavior pdf_parse_job(caf::event_based_actor* self, pdf_check_options options) {
  auto reader = std::make_shared<daemon::resident_reader>(options.reader_exe, options.time_limit,
                                                          std::vector<std::string>{"--check-only"});
  self->attach_functor([reader] { reader->stop(); });
  return {
    [=](atom::check_pdf, const std::string& path) -> daemon::pdf_facts {
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

caf::actor spawn_pdf_check_pool(caf::actor_system& sys, pdf_check_options options, std::size_t n) {
  auto factory = [&sys, options] { return sys.spawn<caf::detached>(pdf_parse_job, options); };
  return spawn_supervised_pool(sys, factory, {"pdf_parse_job", n});
}

} // namespace siberius::actors
