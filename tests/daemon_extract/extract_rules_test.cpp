// The metadata rules, table-driven: date and money formats, folding, titles,
// and whole synthetic documents for each layout rule (pure, no PDF).
#define CAF_SUITE daemon_extract_rules
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include <cmath>

#include "pdf/extract_rules.hpp"
#include "tests/daemon_extract/page_builder.hpp"

using namespace siberius::daemon;
using siberius::daemon::test::page_builder;

namespace {

std::string show(const std::optional<std::string>& v) { return v ? *v : "(none)"; }

std::string show(std::optional<double> v) { return v ? std::to_string(*v) : "(none)"; }

/// A page with a large title line at the top, as the three layouts print it.
page_builder titled(const std::string& title) {
  page_builder b;
  b.line(40, {{70, "Siberius Locações para Eventos Ltda"}});
  b.line(70, {{70, title}}, 18);
  return b;
}

pdf_metadata extract(const page_builder& b) { return extract_metadata({b.build()}); }

} // namespace

CAF_TEST(event dates in every written form become ISO) {
  struct date_case {
    const char* written;
    const char* iso; // nullptr: refused
  };
  const date_case cases[] = {
    {"15/01/2026", "2026-01-15"},
    {"15/01/26", "2026-01-15"},
    {"5/1/2026", "2026-01-05"},
    {"15-01-2026", "2026-01-15"},
    {"15.01.2026", "2026-01-15"},
    {"2026-01-15", "2026-01-15"},
    {"15 de janeiro de 2026", "2026-01-15"},
    {"15 de março de 2026", "2026-03-15"},
    {"15 de marco de 2026", "2026-03-15"},
    {"15 DE MARÇO DE 2026", "2026-03-15"},
    {"1º de março de 2026", "2026-03-01"},
    {"3 de novembro de 2027", "2027-11-03"},
    {"15 mar. 2026", "2026-03-15"},
    {"15 de fevereiro de 26", "2026-02-15"},
    {"15/01/2026 às 19h", "2026-01-15"},
    {"29/02/2024", "2024-02-29"},
    {"29/02/2025", nullptr},
    {"31/04/2026", nullptr},
    {"32/01/2026", nullptr},
    {"15/13/2026", nullptr},
    {"15/01/2026x", nullptr},
    {"15/01/202", nullptr},
    {"16 de junho de", nullptr},
    {"15 de smarch de 2026", nullptr},
    {"a definir", nullptr},
    {"", nullptr},
  };
  for (auto& c : cases)
    CAF_CHECK_EQUAL(std::string(c.written) + " -> " + show(parse_event_date(c.written)),
                    std::string(c.written) + " -> " + (c.iso ? c.iso : "(none)"));
}

CAF_TEST(brazilian amounts become numbers) {
  struct money_case {
    const char* written;
    std::optional<double> value;
  };
  const money_case cases[] = {
    {"R$ 12.500,00", 12500.0},
    {"R$ 1.234.567,89", 1234567.89},
    {"R$11.063,70", 11063.7},
    {"753,30", 753.3},
    {"R$ 5.620,00 (cinco mil)", 5620.0},
    {"12.500", 12500.0},
    {"R$ 90", 90.0},
    {"R$ 0,5", 0.5},
    {"R$", std::nullopt},
    {"abc", std::nullopt},
    {"1.23", std::nullopt},
    {"12,345", std::nullopt},
    {"R$ ,50", std::nullopt},
    {"", std::nullopt},
  };
  for (auto& c : cases) {
    auto got = parse_brl_amount(c.written);
    bool same = got.has_value() == c.value.has_value() && (!got || std::abs(*got - *c.value) < 1e-9);
    CAF_CHECK_EQUAL(std::string(c.written) + " -> " + (same ? show(c.value) : show(got)),
                    std::string(c.written) + " -> " + show(c.value));
  }
}

CAF_TEST(folding strips portuguese accents and reads the ordinal signs as O) {
  CAF_CHECK_EQUAL(fold_for_matching("Orçamento Nº 12"), "ORCAMENTO NO 12");
  CAF_CHECK_EQUAL(fold_for_matching("N° Número"), "NO NUMERO");
  CAF_CHECK_EQUAL(fold_for_matching("Ápice Conceição São Araújo"), "APICE CONCEICAO SAO ARAUJO");
  CAF_CHECK_EQUAL(fold_for_matching("O.S. \xE2\x80\x93 Serviço"), "O.S. - SERVICO"); // en dash
  CAF_CHECK_EQUAL(fold_for_matching("a\xFF" "b\xC3"), "A?B?");
}

CAF_TEST(titles name the tipo with or without accents) {
  struct title_case {
    const char* title;
    const char* tipo; // nullptr: not a title
  };
  const title_case cases[] = {
    {"PROPOSTA COMERCIAL / ORÇAMENTO", "orcamento"},
    {"Orçamento N° 8418", "orcamento"},
    {"ORCAMENTO No. 3061", "orcamento"},
    {"O.S. - ORDEM DE SERVIÇO", "os"},
    {"O.S. \xE2\x80\x93 ORDEM DE SERVICO", "os"},
    {"Ordem de Serviço Número: 9168", "os"},
    {"Ficha de Montagem", "montagem"},
    {"ORDEM DE MONTAGEM No. 2174", "montagem"},
    {"MONTAGEM Nº 4490", "montagem"},
    {"Recibo de pagamento", nullptr},
    {"Nota fiscal", nullptr},
    {"Data da Montagem: 03/07/2025", nullptr},
  };
  for (auto& c : cases)
    CAF_CHECK_EQUAL(std::string(c.title) + " -> " + show(tipo_of_title(c.title)),
                    std::string(c.title) + " -> " + (c.tipo ? c.tipo : "(none)"));
}

CAF_TEST(data de emissao is not the event date) {
  auto b = titled("ORÇAMENTO Nº 12");
  b.line(100, {{70, "Data de emissão: 01/01/2026"}}).line(114, {{70, "Data do Evento: 15/01/2026"}});
  CAF_CHECK_EQUAL(show(extract(b).data_evento), "2026-01-15");
  auto only_issue = titled("ORÇAMENTO Nº 12");
  only_issue.line(100, {{70, "Data de emissão: 01/01/2026"}});
  CAF_CHECK_EQUAL(show(extract(only_issue).data_evento), "(none)");
}

CAF_TEST(subtotal and desconto are not the total) {
  auto b = titled("ORÇAMENTO Nº 12");
  b.line(300, {{350, "Subtotal: R$ 100,00"}}).line(314, {{350, "Desconto: R$ 10,00"}}).line(328, {{350, "Total: R$ 90,00"}});
  CAF_CHECK_EQUAL(show(extract(b).valor_total), show(90.0));
  auto no_total = titled("ORÇAMENTO Nº 12");
  no_total.line(300, {{350, "Subtotal: R$ 100,00"}}).line(314, {{350, "Desconto: R$ 10,00"}});
  CAF_CHECK_EQUAL(show(extract(no_total).valor_total), "(none)");
}

CAF_TEST(labels match with or without accents and colons) {
  struct label_case {
    const char* cliente_line;
    const char* date_line;
    const char* total_line;
  };
  const label_case cases[] = {
    {"Cliente: Ana Lima", "Data do Evento: 15/01/2026", "Valor Total: R$ 1.500,00"},
    {"CLIENTE: Ana Lima", "DATA DO EVENTO: 15/01/2026", "VALOR TOTAL: R$ 1.500,00"},
    {"Cliente Ana Lima", "Data do evento 15/01/2026", "TOTAL GERAL R$ 1.500,00"},
    {"Contratante : Ana Lima", "Evento em: 15/01/2026", "Total: R$1.500,00"},
    {"CONTRATANTE Ana Lima", "EVENTO EM 15 DE JANEIRO DE 2026", "TOTAL R$ 1.500,00"},
  };
  for (auto& c : cases) {
    auto b = titled("ORDEM DE SERVICO NO 4404");
    b.line(100, {{70, c.cliente_line}}).line(114, {{70, c.date_line}}).line(300, {{350, c.total_line}});
    auto m = extract(b);
    CAF_CHECK_EQUAL(std::string(c.cliente_line) + " -> " + show(m.cliente), std::string(c.cliente_line) + " -> Ana Lima");
    CAF_CHECK_EQUAL(std::string(c.date_line) + " -> " + show(m.data_evento), std::string(c.date_line) + " -> 2026-01-15");
    CAF_CHECK_EQUAL(std::string(c.total_line) + " -> " + show(m.valor_total), std::string(c.total_line) + " -> " + show(1500.0));
    CAF_CHECK_EQUAL(m.tipo, "os");
    CAF_CHECK_EQUAL(show(m.numero), "4404");
  }
}

CAF_TEST(a label table pairs each label with the cell to its right) {
  auto b = titled("Ficha de Montagem Nº 8038");
  b.line(100, {{70, "Cliente:"}, {200, "Construtora Horizonte S/A"}});
  b.line(118, {{70, "Data da Montagem:"}, {200, "3 de novembro de 2027"}});
  b.line(136, {{70, "Data de emissão:"}, {200, "06/10/2026"}});
  auto m = extract(b);
  CAF_CHECK_EQUAL(m.tipo, "montagem");
  CAF_CHECK_EQUAL(show(m.numero), "8038");
  CAF_CHECK_EQUAL(show(m.cliente), "Construtora Horizonte S/A");
  CAF_CHECK_EQUAL(show(m.data_evento), "2027-11-03");
  CAF_CHECK_EQUAL(show(m.valor_total), "(none)");
}

CAF_TEST(two columns with a wrapped cliente and a wrapped date) {
  auto b = titled("O.S. - ORDEM DE SERVIÇO Nº 86465");
  b.line(100, {{70, "Cliente: Associação dos"}, {330, "Data do Evento: 16 de junho de"}});
  b.line(110, {{70, "Médicos de Campinas"}, {330, "2026"}});
  b.line(130, {{70, "Local: Estrada Municipal km 12 -"}, {330, "Data de emissão: 26/02/2027"}});
  b.line(140, {{70, "Itu/SP"}});
  auto m = extract(b);
  CAF_CHECK_EQUAL(show(m.cliente), "Associação dos Médicos de Campinas");
  CAF_CHECK_EQUAL(show(m.data_evento), "2026-06-16");
}

CAF_TEST(a cliente does not swallow the next field or a line after a gap) {
  auto b = titled("ORÇAMENTO Nº 3061");
  b.line(100, {{70, "Cliente: Felipe Almeida"}}).line(112, {{70, "Telefone: (15) 92154-2363"}});
  CAF_CHECK_EQUAL(show(extract(b).cliente), "Felipe Almeida");
  auto gap = titled("ORÇAMENTO Nº 3061");
  gap.line(100, {{70, "Cliente: Felipe Almeida"}}).line(130, {{70, "Validade da proposta 10 dias"}});
  CAF_CHECK_EQUAL(show(extract(gap).cliente), "Felipe Almeida");
}

CAF_TEST(a wrapped title and a number under its sign) {
  page_builder wrapped;
  wrapped.line(70, {{70, "PROPOSTA COMERCIAL /"}}, 18).line(88, {{70, "ORÇAMENTO N° 2236"}}, 18);
  wrapped.line(120, {{70, "Cliente: Ana"}});
  auto m = extract(wrapped);
  CAF_CHECK_EQUAL(m.tipo, "orcamento");
  CAF_CHECK_EQUAL(show(m.numero), "2236");
  page_builder below;
  below.line(70, {{110, "PROPOSTA COMERCIAL / ORÇAMENTO N°"}}, 18).line(88, {{200, "2026/0456"}}, 18);
  m = extract(below);
  CAF_CHECK_EQUAL(m.tipo, "orcamento");
  CAF_CHECK_EQUAL(show(m.numero), "2026/0456");
}

CAF_TEST(numbers are kept as written) {
  struct number_case {
    const char* title;
    const char* numero;
  };
  const number_case cases[] = {
    {"Ordem de Serviço Nº OS-4404", "OS-4404"},
    {"ORÇAMENTO N° 2026/0456", "2026/0456"},
    {"MONTAGEM No. 914", "914"},
    {"ORDEM DE SERVIÇO Número: 6380", "6380"},
    {"Ficha de Montagem Nº8038", "8038"},
    {"ORÇAMENTO 2236", "2236"},
  };
  for (auto& c : cases)
    CAF_CHECK_EQUAL(std::string(c.title) + " -> " + show(extract(titled(c.title)).numero),
                    std::string(c.title) + " -> " + c.numero);
}

CAF_TEST(an unknown document is desconhecido with whatever fields it has) {
  auto b = titled("Recibo de pagamento");
  b.line(100, {{70, "Cliente: Ana Lima"}}).line(114, {{70, "Data do Evento: 15/01/26"}});
  b.line(130, {{70, "Montagem do palco na véspera Nº 3"}});
  auto m = extract(b);
  CAF_CHECK_EQUAL(m.tipo, "desconhecido");
  CAF_CHECK_EQUAL(show(m.numero), "(none)");
  CAF_CHECK_EQUAL(show(m.cliente), "Ana Lima");
  CAF_CHECK_EQUAL(show(m.data_evento), "2026-01-15");
  CAF_CHECK_EQUAL(extract_metadata({}).tipo, "desconhecido");
}

CAF_TEST(an item in body text is not a title) {
  page_builder b;
  b.line(40, {{70, "Siberius Locações para Eventos Ltda"}});
  b.line(100, {{70, "Cliente: Ana Lima"}});
  b.line(114, {{70, "Montagem de palco"}, {300, "1"}});
  CAF_CHECK_EQUAL(extract(b).tipo, "desconhecido");
}

CAF_TEST(data da montagem is the date of a montagem only) {
  auto os = titled("ORDEM DE SERVIÇO Nº 1");
  os.line(100, {{70, "Data da Montagem: 14/01/2026"}}).line(114, {{70, "Data do Evento: 15/01/2026"}});
  CAF_CHECK_EQUAL(show(extract(os).data_evento), "2026-01-15");
  auto os_only_setup = titled("ORDEM DE SERVIÇO Nº 1");
  os_only_setup.line(100, {{70, "Data da Montagem: 14/01/2026"}});
  CAF_CHECK_EQUAL(show(extract(os_only_setup).data_evento), "(none)");
  auto montagem = titled("ORDEM DE MONTAGEM Nº 1");
  montagem.line(100, {{70, "Data da Montagem: 14/01/2026"}});
  CAF_CHECK_EQUAL(show(extract(montagem).data_evento), "2026-01-14");
}

CAF_TEST(the total of a multi page document is on its last page) {
  auto first = titled("ORÇAMENTO Nº 77");
  first.line(100, {{70, "Cliente: Ana Lima"}});
  first.line(200, {{70, "Item"}, {300, "Qtd"}, {400, "Total"}});
  first.line(214, {{70, "Tenda 5x5m"}, {300, "2"}, {400, "1.300,00"}});
  page_builder last;
  last.line(100, {{350, "Subtotal: R$ 9.477,00"}});
  last.line(114, {{350, "Desconto: R$ 947,70"}});
  last.line(128, {{350, "TOTAL GERAL R$ 8.529,30"}});
  auto m = extract_metadata({first.build(), last.build()});
  CAF_CHECK_EQUAL(show(m.valor_total), show(8529.3));
  CAF_CHECK_EQUAL(show(extract(first).valor_total), "(none)"); // a column header is no total
}

// Text wrapped inside a box or a column (issue 13). page_builder's words are
// 5.5 pt per letter at 10 pt: "Contratante: Maria Aparecida" from x 70 ends
// at 218.6, wider than the other lines of its column, so it is full.

CAF_TEST(a two column header with a wrapped contratante and a number continued under its label) {
  page_builder b;
  b.line(40, {{70, "Siberius Locações para Eventos Ltda"}});
  b.line(70, {{70, "ORDEM DE SERVIÇO"}}, 18);
  b.line(100, {{70, "Contratante: Maria Aparecida"}, {330, "Número: OS-"}});
  b.line(111, {{70, "dos Santos"}, {330, "1234"}});
  b.line(130, {{70, "Local: Rua XV"}, {330, "Evento em: 15/01/2026"}});
  auto m = extract(b);
  CAF_CHECK_EQUAL(m.tipo, "os");
  CAF_CHECK_EQUAL(show(m.numero), "OS-1234");
  CAF_CHECK_EQUAL(show(m.cliente), "Maria Aparecida dos Santos");
  CAF_CHECK_EQUAL(show(m.data_evento), "2026-01-15");
}

CAF_TEST(a value wraps inside its own cell of a label table) {
  auto b = titled("ORÇAMENTO Nº 3765");
  b.line(100, {{70, "Cliente:"}, {200, "Associação dos Médicos de"}});
  b.line(111, {{200, "Campinas"}});
  b.line(128, {{70, "Data do Evento:"}, {200, "19/03/2027"}});
  auto m = extract(b);
  CAF_CHECK_EQUAL(show(m.cliente), "Associação dos Médicos de Campinas");
  CAF_CHECK_EQUAL(show(m.data_evento), "2027-03-19");
}

CAF_TEST(a title broken over two lines is classified across them) {
  struct title_case {
    const char* first;
    const char* second;
    double size;
    const char* tipo;
    const char* numero;
  };
  const title_case cases[] = {
    {"Ordem de", "Serviço", 18, "os", "4521"},             // numero from "Número:" below
    {"ORDEM DE SERVIÇO Nº OS-", "4404", 18, "os", "OS-4404"},
    {"Ficha de", "Montagem Nº 12", 18, "montagem", "12"},
    {"ORÇAMENTO", "Nº 2236", 18, "orcamento", "2236"},
    {"Ordem de Serviço", "Número: 9168", 18, "os", "9168"},
    {"Ordem de", "Serviço Nº 77", 10, "os", "77"},        // printed at body size
    {"PROPOSTA COMERCIAL /", "ORÇAMENTO", 10, "desconhecido", "4521"}, // body size, no number: no title
  };
  for (auto& c : cases) {
    page_builder b;
    b.line(40, {{70, "Siberius Locações para Eventos Ltda"}});
    b.line(70, {{250, c.first}}, c.size);
    b.line(70 + c.size * 1.1, {{250, c.second}}, c.size);
    b.line(130, {{70, "Cliente: Ana Lima"}, {330, "Número: 4521"}});
    auto m = extract(b);
    auto name = std::string(c.first) + " / " + c.second;
    CAF_CHECK_EQUAL(name + " -> " + m.tipo + " " + show(m.numero), name + " -> " + c.tipo + " " + c.numero);
  }
}

CAF_TEST(a cliente is not joined with a field below or another column or a line after a gap or in another size) {
  struct wrap_case {
    const char* name;
    const char* first; // at x 70, y 100
    double next_y, next_x, next_size;
    const char* next;
    const char* cliente;
  };
  const wrap_case cases[] = {
    {"labelled address", "Contratante: Maria Aparecida Santos", 111, 70, 10, "Endereço: Rua das Flores, 10",
     "Maria Aparecida Santos"},
    {"paragraph after a gap", "Cliente: Associação dos", 125, 70, 10, "Médicos de Campinas", "Associação dos"},
    {"other column", "Contratante: Maria Aparecida", 111, 330, 10, "dos Santos", "Maria Aparecida"},
    {"smaller print", "Contratante: Maria Aparecida", 111, 70, 7, "dos Santos", "Maria Aparecida"},
    {"indented", "Contratante: Maria Aparecida", 111, 100, 10, "dos Santos", "Maria Aparecida"},
    {"short line", "Cliente: Ana Lima", 111, 70, 10, "Evento corporativo de fim de ano", "Ana Lima"},
    {"value ended by a label", "Cliente: Ana Maria Telefone: (15) 9215-2363", 111, 70, 10, "Silva", "Ana Maria"},
    {"wrapped for real", "Contratante: Maria Aparecida", 111, 70, 10, "dos Santos", "Maria Aparecida dos Santos"},
  };
  for (auto& c : cases) {
    auto b = titled("ORÇAMENTO Nº 3061");
    b.line(100, {{70, c.first}}).line(c.next_y, {{c.next_x, c.next}}, c.next_size);
    CAF_CHECK_EQUAL(std::string(c.name) + ": " + show(extract(b).cliente), std::string(c.name) + ": " + c.cliente);
  }
}
