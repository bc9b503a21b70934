// metadata_store: atendimentos, who is scheduled on them, the PDFs linked to
// them, and the access rule that follows (a technician sees the atendimentos
// they are scheduled on and the PDFs linked to those).
#include "storage/atendimentos.hpp"

#include <cctype>

#include "storage/metadata_store.hpp"
#include "storage/pdf_document.hpp"
#include "storage/store_impl.hpp"

namespace siberius::storage {

namespace {

using json = nlohmann::json;

constexpr std::size_t max_text = 200;
constexpr int max_listed = 1000;

/// An atendimento as the API shows it: the row `r` made from atendimentos `a`
/// (FROM ... a, then this), written as JSON whole (row_to_json, json_agg). A
/// whole row names its columns once per statement; json_build_object looks up
/// the type of every key and value again on each row (the calendar's month of
/// 404 atendimentos: 8.3 ms instead of 9.8 in bench/pdf_search.sh's catalogue).
constexpr const char* atendimento_row_sql =
    " CROSS JOIN LATERAL (SELECT a.id, a.titulo, a.cliente, siberius_iso_utc(a.data_inicio) AS \"dataInicio\","
    " siberius_iso_utc(a.data_fim) AS \"dataFim\", a.local,"
    " coalesce((SELECT json_agg(t ORDER BY t.login) FROM (SELECT u.id, u.login, u.nome"
    "   FROM atendimento_tecnicos x JOIN usuarios u ON u.id = x.usuario_id WHERE x.atendimento_id = a.id) t),"
    "   '[]'::json) AS tecnicos,"
    " coalesce((SELECT json_agg(p ORDER BY p.id) FROM (SELECT x.id, x.tipo, x.numero, x.cliente,"
    "   to_char(x.data_evento, 'YYYY-MM-DD') AS \"dataEvento\", x.file_hash AS \"fileHash\", x.filename, x.status"
    "   FROM pdf_cache x WHERE x.atendimento_id = a.id) p), '[]'::json) AS pdfs,"
    // Pending: no PDF of that tipo and numero linked here yet.
    " coalesce((SELECT json_agg(f ORDER BY f.tipo, f.numero) FROM (SELECT x.tipo, x.numero,"
    "   NOT EXISTS (SELECT 1 FROM pdf_cache p WHERE p.atendimento_id = a.id AND p.tipo = x.tipo"
    "     AND p.numero = x.numero) AS pending"
    "   FROM atendimento_refs x WHERE x.atendimento_id = a.id) f), '[]'::json) AS referencias,"
    " siberius_iso_utc(a.created_at) AS \"createdAt\", siberius_iso_utc(a.updated_at) AS \"updatedAt\") r";

bool digits(const std::string& s, std::size_t from, std::size_t n) {
  if (s.size() < from + n)
    return false;
  for (std::size_t i = from; i < from + n; ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i])))
      return false;
  return true;
}

/// YYYY-MM-DD, optionally followed by THH:MM[:SS[.frac]] and Z or ±HH:MM.
bool is_date_or_time(const std::string& s) {
  if (s.size() > 40 || !is_iso_date(s.substr(0, 10)))
    return false;
  if (s.size() == 10)
    return true;
  if (s[10] != 'T' || !digits(s, 11, 2) || s[13] != ':' || !digits(s, 14, 2))
    return false;
  std::size_t i = 16;
  if (i < s.size() && s[i] == ':') {
    if (!digits(s, i + 1, 2))
      return false;
    i += 3;
    if (i < s.size() && s[i] == '.') {
      ++i;
      auto start = i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
        ++i;
      if (i == start)
        return false;
    }
  }
  if (i == s.size())
    return true;
  if (s[i] == 'Z')
    return i + 1 == s.size();
  return (s[i] == '+' || s[i] == '-') && digits(s, i + 1, 2) && i + 3 < s.size() && s[i + 3] == ':' &&
         digits(s, i + 4, 2) && i + 6 == s.size();
}

std::optional<std::string> text_field(const json& v, const char* name, std::string& out, bool allow_empty = false) {
  if (!v.is_string())
    return std::string(name) + ": expected a string";
  out = v.get<std::string>();
  if ((!allow_empty && out.empty()) || out.size() > max_text || out.find('\0') != std::string::npos)
    return std::string(name) + ": 1 to 200 characters";
  return std::nullopt;
}

std::string param_list(const std::vector<std::int64_t>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i)
    out += (i ? "," : "") + std::to_string(ids[i]);
  return out + "}";
}

/// Well-formed UTF-8 (PostgreSQL refuses the rest), counting its characters.
std::optional<std::size_t> utf8_length(const std::string& s) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++chars) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size() || (n == 2 && c < 0xc2))
      return std::nullopt;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80)
        return std::nullopt;
    i += n;
  }
  return chars;
}

} // namespace

std::optional<std::string> unfit_reference(const std::string& tipo, const std::string& numero,
                                           const std::string& prefix) {
  if (tipo != "orcamento" && tipo != "os" && tipo != "montagem")
    return prefix + "tipo: expected one of orcamento, os, montagem";
  auto chars = utf8_length(numero);
  if (!chars || *chars < 1 || *chars > 100 || numero.find('\0') != std::string::npos)
    return prefix + "numero: 1 to 100 characters";
  return std::nullopt;
}

std::variant<atendimento_input, std::string> parse_atendimento_input(const json& body, bool creating) {
  if (!body.is_object())
    return std::string("body: expected a JSON object");
  atendimento_input in;
  for (auto& [key, v] : body.items()) {
    if (key == "titulo") {
      std::string s;
      if (auto e = text_field(v, "titulo", s))
        return *e;
      in.titulo = s;
    } else if (key == "dataInicio" || key == "dataFim") {
      if (key == "dataFim" && v.is_null()) {
        in.data_fim = std::optional<std::string>();
        continue;
      }
      if (!v.is_string() || !is_date_or_time(v.get<std::string>()))
        return key + ": expected YYYY-MM-DD or an ISO 8601 date and time";
      if (key == "dataInicio")
        in.data_inicio = v.get<std::string>();
      else
        in.data_fim = std::optional<std::string>(v.get<std::string>());
    } else if (key == "cliente" || key == "local") {
      std::optional<std::string> value;
      if (!v.is_null()) {
        std::string s;
        if (auto e = text_field(v, key.c_str(), s))
          return *e;
        value = s;
      }
      (key == "cliente" ? in.cliente : in.local) = value;
    } else if (key == "tecnicos") {
      if (!v.is_array() || v.size() > atendimento_input::max_refs)
        return std::string("tecnicos: expected an array of at most 100 user ids or logins");
      std::vector<user_ref> refs;
      for (auto& t : v) {
        user_ref r;
        if (t.is_number_integer() && t.get<std::int64_t>() > 0)
          r.id = t.get<std::int64_t>();
        else if (t.is_string() && !t.get<std::string>().empty() && t.get<std::string>().size() <= 100)
          r.login = t.get<std::string>();
        else
          return std::string("tecnicos: each one is a user id or a login");
        refs.push_back(std::move(r));
      }
      in.tecnicos = std::move(refs);
    } else if (key == "pdfs") {
      if (!v.is_array() || v.size() > atendimento_input::max_refs)
        return std::string("pdfs: expected an array of at most 100 references");
      std::vector<pdf_ref> refs;
      for (auto& p : v) {
        pdf_ref r;
        if (p.is_number_integer() && p.get<std::int64_t>() > 0) {
          r.id = p.get<std::int64_t>();
        } else if (p.is_object() && p.size() == 1 && p.contains("id") && p["id"].is_number_integer() &&
                   p["id"].get<std::int64_t>() > 0) {
          r.id = p["id"].get<std::int64_t>();
        } else if (p.is_object() && p.size() == 1 && p.contains("fileHash") && p["fileHash"].is_string() &&
                   p["fileHash"].get<std::string>().size() == 64) {
          r.file_hash = p["fileHash"].get<std::string>();
          for (auto& c : r.file_hash)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (p.is_object() && (p.contains("tipo") || p.contains("numero"))) {
          auto at = "pdfs[" + std::to_string(refs.size()) + "].";
          for (auto& [name, _] : p.items())
            if (name != "tipo" && name != "numero")
              return at + name + ": unknown field (tipo, numero)";
          if (!p.contains("tipo") || !p["tipo"].is_string())
            return at + "tipo: expected one of orcamento, os, montagem";
          if (!p.contains("numero") || !p["numero"].is_string())
            return at + "numero: 1 to 100 characters";
          r.tipo = p["tipo"].get<std::string>();
          r.numero = p["numero"].get<std::string>();
          if (auto e = unfit_reference(r.tipo, r.numero, at))
            return *e;
        } else {
          return std::string("pdfs: each one is {id}, {fileHash} or {tipo, numero}");
        }
        refs.push_back(std::move(r));
      }
      in.pdfs = std::move(refs);
    } else {
      return key + ": unknown field (titulo, dataInicio, dataFim, cliente, local, tecnicos, pdfs)";
    }
  }
  if (creating && !in.titulo)
    return std::string("titulo: required");
  if (creating && !in.data_inicio)
    return std::string("dataInicio: required");
  return in;
}

void prepare_atendimento_statements(pqxx::connection& c) {
  std::string row = atendimento_row_sql;
  c.prepare("atendimento_get", "SELECT row_to_json(r)::text FROM atendimentos a" + row + " WHERE a.id = $1");
  // The calendar: atendimentos overlapping [from, to], dates inclusive. One
  // range expression (idx_atendimentos_span, schema/005), so a month reads
  // the atendimentos of that month, not every one that started before it.
  c.prepare("atendimentos_list",
            "SELECT coalesce(json_agg(r ORDER BY a.data_inicio, a.id), '[]'::json)::text FROM ("
            " SELECT * FROM atendimentos x"
            " WHERE tstzrange(x.data_inicio, coalesce(x.data_fim, x.data_inicio), '[]')"
            "   && tstzrange(coalesce($1::date::timestamptz, '-infinity'),"
            "                coalesce(($2::date + 1)::timestamptz, 'infinity'), '[)')"
            "   AND ($3::bigint IS NULL OR EXISTS (SELECT 1 FROM atendimento_tecnicos t"
            "        WHERE t.atendimento_id = x.id AND t.usuario_id = $3))"
            " ORDER BY x.data_inicio, x.id LIMIT " + std::to_string(max_listed) + ") a" + row);
  c.prepare("atendimento_insert",
            "INSERT INTO atendimentos (titulo, cliente, data_inicio, data_fim, local, created_by, updated_by)"
            " VALUES ($1, $2, $3::timestamptz, $4::timestamptz, $5, $6, $6) RETURNING id");
  // Each field: $n true means "set it" (to the value, which may be NULL).
  c.prepare("atendimento_update",
            "UPDATE atendimentos SET"
            " titulo = CASE WHEN $2 THEN $3 ELSE titulo END,"
            " data_inicio = CASE WHEN $4 THEN $5::timestamptz ELSE data_inicio END,"
            " data_fim = CASE WHEN $6 THEN $7::timestamptz ELSE data_fim END,"
            " cliente = CASE WHEN $8 THEN $9 ELSE cliente END,"
            " local = CASE WHEN $10 THEN $11 ELSE local END,"
            " updated_by = $12, updated_at = now() WHERE id = $1");
  c.prepare("tecnico_by_id", "SELECT id FROM usuarios WHERE id = $1 AND role = 'tecnico' AND NOT disabled");
  c.prepare("tecnico_by_login",
            "SELECT id FROM usuarios WHERE lower(login) = lower($1) AND role = 'tecnico' AND NOT disabled");
  c.prepare("atendimento_tecnicos_clear", "DELETE FROM atendimento_tecnicos WHERE atendimento_id = $1");
  c.prepare("atendimento_tecnicos_add",
            "INSERT INTO atendimento_tecnicos (atendimento_id, usuario_id) SELECT $1, unnest($2::bigint[])"
            " ON CONFLICT DO NOTHING");
  c.prepare("pdf_by_id", "SELECT id FROM pdf_cache WHERE id = $1");
  c.prepare("pdf_by_hash", "SELECT id FROM pdf_cache WHERE file_hash = $1");
  c.prepare("pdf_by_tipo_numero", "SELECT id FROM pdf_cache WHERE tipo = $1 AND numero = $2");
  c.prepare("pdfs_link", "UPDATE pdf_cache SET atendimento_id = $1, updated_at = now() WHERE id = ANY($2::bigint[])");
  // Named again, a reference is the newest: a PDF indexed later joins the
  // atendimento that named its tipo and numero last.
  c.prepare("atendimento_refs_add",
            "INSERT INTO atendimento_refs (atendimento_id, tipo, numero)"
            " SELECT DISTINCT $1::bigint, t, n FROM unnest($2::text[], $3::text[]) AS x(t, n)"
            " ON CONFLICT (atendimento_id, tipo, numero) DO UPDATE SET created_at = now()");
  c.prepare("atendimento_ref_drop",
            "DELETE FROM atendimento_refs WHERE atendimento_id = $1 AND tipo = $2 AND numero = $3");
  // Unlinking a PDF drops this atendimento's reference to its tipo and
  // numero too, or the next version of it would come back.
  c.prepare("atendimento_refs_drop_for_pdfs",
            "DELETE FROM atendimento_refs r USING pdf_cache p WHERE r.atendimento_id = $1"
            " AND p.id = ANY($2::bigint[]) AND p.atendimento_id = $1 AND r.tipo = p.tipo AND r.numero = p.numero");
  // Only from this atendimento: a PDF that moved elsewhere meanwhile stays there.
  c.prepare("pdfs_unlink", "UPDATE pdf_cache SET atendimento_id = NULL, updated_at = now()"
                           " WHERE atendimento_id = $1 AND id = ANY($2::bigint[])");
  c.prepare("pdf_for_escalar", "SELECT tipo, numero, cliente, to_char(data_evento, 'YYYY-MM-DD')"
                               " FROM pdf_cache WHERE id = $1");
  c.prepare("can_access_pdf",
            "SELECT EXISTS (SELECT 1 FROM pdf_cache p JOIN atendimento_tecnicos t"
            " ON t.atendimento_id = p.atendimento_id WHERE p.id = $1 AND t.usuario_id = $2)");
  c.prepare("can_access_atendimento",
            "SELECT EXISTS (SELECT 1 FROM atendimento_tecnicos WHERE atendimento_id = $1 AND usuario_id = $2)");
  c.prepare("users_for_pdf",
            "SELECT t.usuario_id FROM pdf_cache p JOIN atendimento_tecnicos t ON t.atendimento_id = p.atendimento_id"
            " WHERE p.id = $1");
}

namespace {

std::vector<std::int64_t> resolve_tecnicos(pqxx::work& w, const std::vector<user_ref>& refs) {
  std::vector<std::int64_t> ids;
  for (auto& r : refs) {
    auto rows = r.id ? w.exec_prepared("tecnico_by_id", r.id) : w.exec_prepared("tecnico_by_login", r.login);
    if (rows.empty())
      throw std::invalid_argument("tecnicos: no active technician " + (r.id ? std::to_string(r.id) : r.login));
    ids.push_back(rows[0][0].as<std::int64_t>());
  }
  return ids;
}

struct resolved_pdfs {
  std::vector<std::int64_t> ids;           // indexed PDFs to link now
  std::vector<std::string> tipos, numeros; // references to keep, indexed or not
};

/// An id or a hash names an indexed PDF or nothing (it cannot appear later);
/// a tipo and numero is kept as a reference even when no PDF has it yet.
resolved_pdfs resolve_pdfs(pqxx::work& w, const std::vector<pdf_ref>& refs) {
  resolved_pdfs out;
  for (auto& r : refs) {
    pqxx::result rows;
    std::string named;
    if (r.id) {
      rows = w.exec_prepared("pdf_by_id", r.id);
      named = "id " + std::to_string(r.id);
    } else if (!r.file_hash.empty()) {
      rows = w.exec_prepared("pdf_by_hash", r.file_hash);
      named = "hash " + r.file_hash;
    } else {
      rows = w.exec_prepared("pdf_by_tipo_numero", r.tipo, r.numero);
      out.tipos.push_back(r.tipo);
      out.numeros.push_back(r.numero);
    }
    if (rows.empty() && !named.empty())
      throw std::invalid_argument("pdfs: no indexed PDF with " + named);
    for (auto row : rows)
      out.ids.push_back(row[0].as<std::int64_t>());
  }
  return out;
}

void apply_links(pqxx::work& w, std::int64_t id, const atendimento_input& in) {
  if (in.tecnicos) {
    auto ids = resolve_tecnicos(w, *in.tecnicos);
    w.exec_prepared("atendimento_tecnicos_clear", id);
    w.exec_prepared("atendimento_tecnicos_add", id, param_list(ids));
  }
  if (!in.unlink_pdfs.empty()) {
    w.exec_prepared("atendimento_refs_drop_for_pdfs", id, param_list(in.unlink_pdfs));
    w.exec_prepared("pdfs_unlink", id, param_list(in.unlink_pdfs));
  }
  for (auto& r : in.unlink_refs)
    w.exec_prepared("atendimento_ref_drop", id, r.tipo, r.numero);
  if (in.pdfs) {
    auto got = resolve_pdfs(w, *in.pdfs);
    if (!got.tipos.empty())
      w.exec_prepared("atendimento_refs_add", id, text_array(got.tipos), text_array(got.numeros));
    w.exec_prepared("pdfs_link", id, param_list(got.ids));
  }
}

/// The end of a create or an edit: links, the atendimento as it now is, commit.
json link_fetch_commit(pqxx::work& w, std::int64_t id, const atendimento_input& in) {
  apply_links(w, id, in);
  auto out = json::parse(w.exec_prepared1("atendimento_get", id)[0].as<std::string>());
  w.commit();
  return out;
}

/// Runs `f` in a transaction; a date PostgreSQL cannot read, or a date range
/// that ends before it starts, is the caller's mistake.
template <class F>
auto bad_input_guard(F f) -> decltype(f()) {
  try {
    return f();
  } catch (const pqxx::data_exception& e) {
    throw std::invalid_argument(std::string("invalid date: ") + e.what());
  } catch (const pqxx::check_violation&) {
    throw std::invalid_argument("dataFim: before dataInicio");
  }
}

} // namespace

std::string metadata_store::list_atendimentos_text(const std::optional<std::string>& from,
                                                   const std::optional<std::string>& to, const api_principal& viewer) {
  std::optional<std::int64_t> only;
  if (!viewer.admin())
    only = viewer.user_id;
  auto items = impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    return n.exec_prepared1("atendimentos_list", from, to, only)[0].as<std::string>();
  });
  return "{\"items\": " + items + "}";
}

json metadata_store::list_atendimentos(const std::optional<std::string>& from, const std::optional<std::string>& to,
                                       const api_principal& viewer) {
  return json::parse(list_atendimentos_text(from, to, viewer));
}

std::optional<json> metadata_store::atendimento(std::int64_t id) {
  return impl_->run([&](pqxx::connection& c) -> std::optional<json> {
    pqxx::nontransaction n(c);
    auto r = n.exec_prepared("atendimento_get", id);
    if (r.empty())
      return std::nullopt;
    return json::parse(r[0][0].as<std::string>());
  });
}

json metadata_store::create_atendimento(const atendimento_input& in, std::optional<std::int64_t> by) {
  if (!in.titulo || !in.data_inicio)
    throw std::invalid_argument("titulo and dataInicio are required");
  return impl_->run([&](pqxx::connection& c) {
    return bad_input_guard([&] {
      pqxx::work w(c);
      auto none = std::optional<std::string>();
      auto id = w.exec_prepared1("atendimento_insert", *in.titulo, in.cliente.value_or(none), *in.data_inicio,
                                 in.data_fim.value_or(none), in.local.value_or(none), by)[0]
                    .as<std::int64_t>();
      return link_fetch_commit(w, id, in);
    });
  });
}

std::optional<json> metadata_store::update_atendimento(std::int64_t id, const atendimento_input& in,
                                                       std::optional<std::int64_t> by) {
  return impl_->run([&](pqxx::connection& c) {
    return bad_input_guard([&]() -> std::optional<json> {
      pqxx::work w(c);
      auto none = std::optional<std::string>();
      auto r = w.exec_prepared("atendimento_update", id, in.titulo.has_value(), in.titulo,
                               in.data_inicio.has_value(), in.data_inicio, in.data_fim.has_value(),
                               in.data_fim.value_or(none), in.cliente.has_value(), in.cliente.value_or(none),
                               in.local.has_value(), in.local.value_or(none), by);
      if (r.affected_rows() == 0)
        return std::nullopt;
      return link_fetch_commit(w, id, in);
    });
  });
}

std::optional<json> metadata_store::escalar(std::int64_t pdf_id, const atendimento_input& given,
                                            std::optional<std::int64_t> by) {
  auto pdf = impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    return n.exec_prepared("pdf_for_escalar", pdf_id);
  });
  if (pdf.empty())
    return std::nullopt;
  auto in = given;
  auto tipo = pdf[0][0].as<std::string>();
  auto numero = pdf[0][1].is_null() ? std::string() : pdf[0][1].as<std::string>();
  auto cliente = pdf[0][2].is_null() ? std::string() : pdf[0][2].as<std::string>();
  if (!in.titulo) {
    auto t = tipo + (numero.empty() ? "" : " " + numero) + (cliente.empty() ? "" : " - " + cliente);
    in.titulo = t.substr(0, max_text);
  }
  if (!in.cliente && !cliente.empty())
    in.cliente = std::optional<std::string>(cliente.substr(0, max_text));
  if (!in.data_inicio) {
    if (pdf[0][3].is_null())
      throw std::invalid_argument("dataInicio: required, the PDF has no event date");
    in.data_inicio = pdf[0][3].as<std::string>();
  }
  std::vector<pdf_ref> pdfs = in.pdfs.value_or(std::vector<pdf_ref>{});
  pdf_ref self;
  self.id = pdf_id;
  pdfs.push_back(self);
  in.pdfs = std::move(pdfs);
  return create_atendimento(in, by);
}

bool metadata_store::can_access_pdf(const api_principal& who, std::int64_t pdf_id) {
  if (who.admin())
    return true;
  if (who.user_id == 0)
    return false;
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    return n.exec_prepared1("can_access_pdf", pdf_id, who.user_id)[0].as<bool>();
  });
}

bool metadata_store::can_access_atendimento(const api_principal& who, std::int64_t atendimento_id) {
  if (who.admin())
    return true;
  if (who.user_id == 0)
    return false;
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    return n.exec_prepared1("can_access_atendimento", atendimento_id, who.user_id)[0].as<bool>();
  });
}

std::vector<std::int64_t> metadata_store::users_for_pdf(std::int64_t pdf_id) {
  return impl_->run([&](pqxx::connection& c) {
    pqxx::nontransaction n(c);
    std::vector<std::int64_t> out;
    for (auto row : n.exec_prepared("users_for_pdf", pdf_id))
      out.push_back(row[0].as<std::int64_t>());
    return out;
  });
}

} // namespace siberius::storage
