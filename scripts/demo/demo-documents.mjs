// What the demo office holds: an event-equipment rental company (tents,
// stages, lighting), seven events of its customers around "today", the twelve
// documents it printed for them and the atendimentos the team works. Every
// name, number and address here is invented for the demo.
import { addDays, isoDay, writeDay, pdfDate } from './format.mjs';

export const COMPANY = {
  name: 'Aurora Palcos, Tendas & Iluminação',
  details:
    'Aurora Locações para Eventos Ltda. · CNPJ 00.000.000/0001-00 (demonstração) · Rua dos Ipês, 1480 – Galpão 3 · ' +
    'Jundiaí - SP · (11) 4000-0000',
  footer: 'Documento fictício gerado para a demonstração do Siberius.',
};

// Rental items: description and unit price in cents.
const ITEM = {
  tenda10: ['Tenda piramidal 10 x 10 m com calhas', 280000],
  tenda5: ['Tenda piramidal 5 x 5 m', 95000],
  chapeu: ['Tenda chapéu de bruxa 6 x 6 m', 120000],
  palco86: ['Palco modular 8 x 6 m com cobertura em treliça', 650000],
  palco64: ['Palco modular 6 x 4 m', 380000],
  praticavel: ['Praticável 2 x 1 m (altura regulável)', 9000],
  trelica: ['Treliça Q30 em alumínio (metro)', 4500],
  par: ['Refletor PAR LED 18 x 10 W RGBW', 6500],
  moving: ['Moving head beam 230 W', 38000],
  mesa: ['Mesa de iluminação DMX com operador (diária)', 90000],
  ribalta: ['Ribalta LED 1 m', 5500],
  fumaca: ['Máquina de fumaça 1.500 W', 18000],
  gerador: ['Gerador 180 kVA silenciado (diária)', 320000],
  piso: ['Piso elevado em compensado naval (m²)', 3800],
  lona: ['Fechamento lateral em lona cristal (m)', 2500],
  grade: ['Grade de contenção 2 m', 3500],
  climatizador: ['Climatizador evaporativo', 25000],
  camarim: ['Camarim 4 x 4 m com iluminação', 140000],
  varal: ['Varal de lâmpadas (10 m)', 9000],
  frete: ['Frete e transporte (caminhão 3/4)', 120000],
  equipe: ['Equipe técnica de montagem e operação (diária)', 180000],
  cabos: ['Cabeamento e distribuição elétrica', 85000],
  carpete: ['Carpete para piso (m²)', 1800],
  bandeirolas: ['Bandeirolas e decoração junina (kit)', 45000],
  fogueira: ['Fogueira cenográfica de LED', 30000],
  som: ['Sistema de som line array (diária)', 260000],
  estande: ['Tenda 3 x 3 m para estande de artesanato', 42000],
  mesas: ['Conjunto mesa dobrável com 4 cadeiras', 3200],
  banheiro: ['Banheiro químico (unidade por dia)', 16000],
  radio: ['Rádio comunicador (unidade)', 4500],
  painel: ['Painel de LED P3.9 (m²)', 28000],
  extintor: ['Extintor de incêndio PQS 6 kg', 2500],
  emergencia: ['Iluminação de emergência (kit)', 12000],
  ventilador: ['Ventilador industrial 1 m', 9500],
  toldo: ['Toldo retrátil 4 x 3 m', 35000],
  passarela: ['Passarela coberta (metro)', 8500],
  eletricista: ['Técnico eletricista de plantão (diária)', 65000],
  brigadista: ['Brigadista civil (diária)', 38000],
};

const items = (list) => list.map(([key, qtd]) => ({ desc: ITEM[key][0], unit: ITEM[key][1], qtd }));

function withTotals(doc, discountPct = 0) {
  const subtotal = doc.items.reduce((s, it) => s + it.unit * it.qtd, 0);
  // Discounts are rounded to whole reais, as the office does by hand.
  const discount = Math.round((subtotal * discountPct) / 10000) * 100;
  doc.totals = { subtotal, discount, discountPct, total: subtotal - discount };
  doc.meta.valorTotal = doc.totals.total / 100;
  return doc;
}

const TIPO_SUBJECT = { orcamento: 'Orçamento', os: 'Ordem de serviço', montagem: 'Ordem de montagem' };
// How long before the event each kind of document is usually printed.
const LEAD_DAYS = { orcamento: 35, os: 7, montagem: 3 };

/**
 * The documents for `today` (a Date at 00:00 UTC). Each: {file, layout, title,
 * fields…, items, meta: {tipo, numero, cliente, dataEvento, valorTotal}}.
 */
export function demoDocuments(today) {
  const day = (n) => addDays(today, n);
  const year = today.getUTCFullYear();
  const docs = [];
  const add = (event, doc) => {
    const emitted = new Date(Math.min(addDays(event.date, -LEAD_DAYS[doc.meta.tipo]), addDays(today, -1)));
    doc.emitted = writeDay(emitted);
    doc.created = pdfDate(emitted);
    doc.subject = TIPO_SUBJECT[doc.meta.tipo];
    doc.event = event.key;
    doc.meta.dataEvento ??= isoDay(event.date);
    doc.meta.valorTotal ??= null;
    doc.signatures ??= ['Aurora Palcos, Tendas & Iluminação', 'De acordo do cliente'];
    docs.push(doc);
  };
  const orcamentoNotes = [
    'Condições de pagamento: 50% na aprovação e o saldo até 5 dias antes do evento, por PIX ou boleto.',
    'Validade da proposta: 15 dias. Inclui montagem, desmontagem e técnico de plantão durante o evento.',
  ];
  const osNotes = (team) => [
    `Equipe escalada: ${team}.`,
    'Conferir aterramento do gerador e fixação das tendas antes da liberação do espaço.',
  ];

  // 1. A wedding held by a buffet, twelve days ago: orçamento, OS and montagem.
  const estrela = { key: 'estrela', date: day(-12) };
  const estrelaNome = 'Buffet Estrela Dourada Ltda.';
  const estrelaLocal = 'Espaço Jardim das Oliveiras – Estrada do Capuava, 2100, Cotia - SP';
  add(estrela, withTotals({
    file: `ORCAMENTO Buffet Estrela nº ${year}-0311.pdf`,
    layout: 'lines',
    title: `ORÇAMENTO Nº ${year}/0311`,
    subtitle: 'Locação de tendas, palco e iluminação cênica',
    fields: [
      ['Data de emissão', ''], // filled below
      ['Cliente', estrelaNome],
      ['Telefone', '(11) 94000-1234'],
      ['Evento', 'Casamento Laura & Pedro (cerimônia e recepção)'],
      ['Data do Evento', writeDay(estrela.date)],
      ['Local', estrelaLocal],
    ],
    items: items([['tenda10', 2], ['lona', 40], ['palco64', 1], ['par', 24], ['varal', 12], ['gerador', 1], ['frete', 1]]),
    totalLabel: 'VALOR TOTAL',
    notes: orcamentoNotes,
    meta: { tipo: 'orcamento', numero: `${year}/0311`, cliente: estrelaNome },
  }, 5));
  add(estrela, {
    file: 'OS Buffet Estrela nº 4512.pdf',
    layout: 'lines',
    title: 'ORDEM DE SERVIÇO Nº 4512',
    fields: [
      ['Data de emissão', ''],
      ['Contratante', estrelaNome],
      ['Responsável no local', 'Sra. Valéria Campos – (11) 94000-1234'],
      ['Evento em', writeDay(estrela.date, 'written')],
      ['Local', estrelaLocal],
      ['Horário', 'montagem 07h00 · evento 16h00 às 02h00 · desmontagem no dia seguinte'],
    ],
    items: items([['tenda10', 2], ['lona', 40], ['palco64', 1], ['par', 24], ['varal', 12], ['gerador', 1]]),
    notes: osNotes('Rogério Lima (líder), Tiago Nunes, Wellington Souza'),
    signatures: ['Líder da equipe', 'Responsável do contratante'],
    meta: { tipo: 'os', numero: '4512', cliente: estrelaNome },
  });
  add(estrela, {
    file: 'MONTAGEM Buffet Estrela nº 917.pdf',
    layout: 'grid',
    title: 'FICHA DE MONTAGEM Nº 917',
    fields: [
      ['Cliente', estrelaNome],
      ['Data da Montagem', `${writeDay(day(-13), 'short')} — início às 07h00`],
      ['Local', estrelaLocal],
      ['Responsável', 'Rogério Lima'],
      ['Referência', 'OS 4512 / Orçamento ' + `${year}/0311`],
    ],
    items: items([['tenda10', 2], ['lona', 40], ['palco64', 1], ['trelica', 24], ['par', 24], ['cabos', 1]]),
    checklist: true,
    notes: ['Chegada do caminhão às 06h30. Piso do salão externo é gramado: usar placas de apoio nas bases.'],
    signatures: ['Responsável pela montagem', 'Conferido pelo cliente'],
    meta: { tipo: 'montagem', numero: '917', cliente: estrelaNome, dataEvento: isoDay(day(-13)) },
  });

  // 2. A school's festa junina four days ago: one OS with its value.
  const colegio = { key: 'colegio', date: day(-4) };
  const colegioNome = 'Colégio Santa Inês de Itapecerica';
  add(colegio, withTotals({
    file: 'os_OS-4519.pdf',
    layout: 'twoColumns',
    title: 'O.S. - ORDEM DE SERVIÇO Nº OS-4519',
    left: [
      ['Cliente', colegioNome],
      ['Telefone', '(11) 4000-2288'],
      ['E-mail', 'eventos@colegiosantaines.example'],
    ],
    right: [
      ['Data de emissão', ''],
      ['Data do evento', writeDay(colegio.date)],
      ['Local', 'Pátio central do colégio, Itapecerica da Serra - SP'],
    ],
    fields: [['Evento', 'Arraiá do Santa Inês – festa junina das famílias']],
    items: items([['chapeu', 4], ['bandeirolas', 2], ['fogueira', 2], ['varal', 8], ['som', 1], ['mesa', 1]]),
    totalLabel: 'Valor Total',
    notes: osNotes('Tiago Nunes, Marcos Oliveira'),
    signatures: ['Líder da equipe', 'Responsável do contratante'],
    meta: { tipo: 'os', numero: 'OS-4519', cliente: colegioNome },
  }));

  // 3. A long-named association's harvest festival in three days: a two-page
  //    proposal and the montagem two days before.
  const colheita = { key: 'colheita', date: day(3) };
  const colheitaNome = 'Associação Beneficente dos Produtores Rurais e Artesãos do Vale do Ribeira';
  const colheitaLocal = 'Parque de Exposições Municipal, Rodovia SP-222, km 14, Registro - SP';
  add(colheita, withTotals({
    file: `orcamento_${year}-0327.pdf`,
    layout: 'twoColumns',
    title: `PROPOSTA COMERCIAL / ORÇAMENTO Nº ${year}/0327`,
    subtitle: 'Estrutura completa para a 12ª Festa da Colheita do Vale do Ribeira',
    left: [
      ['Cliente', colheitaNome],
      ['Telefone', '(13) 4000-7710'],
      ['CNPJ', '00.000.000/0002-00 (demonstração)'],
    ],
    right: [
      ['Data de emissão', ''],
      ['Data do Evento', writeDay(colheita.date, 'written')],
      ['Local', colheitaLocal],
    ],
    items: items([
      ['palco86', 1], ['praticavel', 12], ['camarim', 2], ['tenda10', 4], ['tenda5', 6], ['lona', 80],
      ['piso', 200], ['carpete', 120], ['trelica', 48], ['par', 36], ['moving', 8], ['ribalta', 10],
      ['fumaca', 2], ['mesa', 3], ['som', 3], ['gerador', 3], ['cabos', 2], ['grade', 60],
      ['climatizador', 6], ['varal', 20], ['estande', 40], ['mesas', 60], ['banheiro', 24], ['painel', 18],
      ['radio', 12], ['extintor', 30], ['emergencia', 6], ['ventilador', 10], ['toldo', 8], ['passarela', 40],
      ['eletricista', 4], ['brigadista', 8], ['equipe', 3], ['frete', 3],
    ]),
    totalLabel: 'TOTAL GERAL',
    notes: orcamentoNotes,
    meta: { tipo: 'orcamento', numero: `${year}/0327`, cliente: colheitaNome },
  }, 8));
  add(colheita, {
    file: 'MONTAGEM Associação Vale do Ribeira nº 921.pdf',
    layout: 'grid',
    title: 'ORDEM DE MONTAGEM Nº 921',
    fields: [
      ['Contratante', colheitaNome],
      ['Data da Montagem', writeDay(day(1))],
      ['Local', colheitaLocal],
      ['Responsável', 'Rogério Lima'],
      ['Equipe', '6 montadores, 2 eletricistas, 1 operador de luz'],
    ],
    items: items([['palco86', 1], ['camarim', 2], ['tenda10', 4], ['tenda5', 6], ['piso', 200], ['trelica', 48],
      ['moving', 8], ['gerador', 3], ['grade', 60]]),
    checklist: true,
    notes: ['Montagem em dois dias: estruturas no primeiro, luz e som no segundo. Liberação pelo Corpo de Bombeiros na véspera.'],
    signatures: ['Responsável pela montagem', 'Conferido pelo cliente'],
    meta: { tipo: 'montagem', numero: '921', cliente: colheitaNome, dataEvento: isoDay(day(1)) },
  });

  // 4. A corporate convention next week: orçamento and OS.
  const conceito = { key: 'conceito', date: day(9) };
  const conceitoNome = 'Agência Conceito Eventos Corporativos Ltda.';
  const conceitoLocal = 'Hotel Serra Azul – Salão Imperial, Campinas - SP';
  add(conceito, withTotals({
    file: `ORCAMENTO Conceito Eventos nº ${year}-0331.pdf`,
    layout: 'grid',
    title: `Orçamento nº ${year}/0331`,
    fields: [
      ['Cliente', conceitoNome],
      ['Data de emissão', ''],
      ['Data do Evento', writeDay(conceito.date)],
      ['Local', conceitoLocal],
      ['Evento', 'Convenção anual de vendas (400 pessoas)'],
    ],
    items: items([['palco64', 1], ['praticavel', 6], ['trelica', 30], ['moving', 12], ['par', 30], ['mesa', 2],
      ['som', 2], ['carpete', 80], ['equipe', 2]]),
    totalLabel: 'TOTAL GERAL',
    notes: orcamentoNotes,
    meta: { tipo: 'orcamento', numero: `${year}/0331`, cliente: conceitoNome },
  }, 3));
  add(conceito, {
    file: 'OS Conceito Eventos nº 4530.pdf',
    layout: 'lines',
    title: 'ORDEM DE SERVIÇO N° 4530',
    fields: [
      ['Data de emissão', ''],
      ['Cliente', conceitoNome],
      ['Telefone', '(19) 4000-5566'],
      ['Data do Evento', writeDay(conceito.date, 'short')],
      ['Local', conceitoLocal],
      ['Horário', 'montagem na véspera a partir das 22h00 · evento 08h00 às 18h00'],
    ],
    items: items([['palco64', 1], ['praticavel', 6], ['trelica', 30], ['moving', 12], ['par', 30], ['mesa', 2], ['som', 2]]),
    notes: osNotes('Wellington Souza (líder), Marcos Oliveira, Bruno Teixeira'),
    signatures: ['Líder da equipe', 'Responsável do contratante'],
    meta: { tipo: 'os', numero: '4530', cliente: conceitoNome },
  });

  // 5. A town's anniversary show in a little over three weeks: a proposal.
  const cidade = { key: 'cidade', date: day(23) };
  const cidadeNome = 'Prefeitura Municipal de Vale Serrano';
  add(cidade, withTotals({
    file: `orcamento_${year}-0334.pdf`,
    layout: 'lines',
    title: `ORÇAMENTO No. ${year}/0334`,
    subtitle: 'Show de aniversário da cidade – palco principal e praça de alimentação',
    fields: [
      ['Data de emissão', ''],
      ['Contratante', cidadeNome],
      ['Telefone', '(12) 4000-3100'],
      ['Evento em', writeDay(cidade.date)],
      ['Local', 'Praça da Matriz, Vale Serrano - SP'],
    ],
    items: items([['palco86', 1], ['camarim', 2], ['tenda5', 10], ['som', 2], ['moving', 8], ['par', 24],
      ['gerador', 2], ['grade', 80], ['equipe', 2], ['frete', 2]]),
    totalLabel: 'Total',
    notes: orcamentoNotes,
    meta: { tipo: 'orcamento', numero: `${year}/0334`, cliente: cidadeNome },
  }));

  // 6. A sports club's tournament and party in a little over two weeks: OS and montagem.
  const clube = { key: 'clube', date: day(16) };
  const clubeNome = 'Clube Atlético Ribeirão Verde';
  const clubeLocal = 'Sede campestre do clube – Av. Ribeirão Verde, 900, Atibaia - SP';
  add(clube, withTotals({
    file: 'OS Clube Ribeirão Verde nº 4537.pdf',
    layout: 'grid',
    title: 'ORDEM DE SERVIÇO Nº 4537',
    fields: [
      ['Cliente', clubeNome],
      ['Data de emissão', ''],
      ['Data do Evento', writeDay(clube.date, 'written')],
      ['Local', clubeLocal],
      ['Responsável', 'Sr. Anderson Prado (diretoria social)'],
    ],
    items: items([['tenda10', 3], ['lona', 60], ['palco64', 1], ['par', 18], ['som', 1], ['climatizador', 4]]),
    totalLabel: 'Valor Total',
    notes: osNotes('Bruno Teixeira (líder), Tiago Nunes'),
    signatures: ['Líder da equipe', 'Responsável do contratante'],
    meta: { tipo: 'os', numero: '4537', cliente: clubeNome },
  }));
  add(clube, {
    file: 'montagem_930.pdf',
    layout: 'lines',
    title: 'ORDEM DE MONTAGEM Número: 930',
    fields: [
      ['Cliente', clubeNome],
      ['Data da Montagem', writeDay(day(15))],
      ['Local', clubeLocal],
      ['Responsável', 'Bruno Teixeira'],
      ['Referência', 'OS 4537'],
    ],
    items: items([['tenda10', 3], ['lona', 60], ['palco64', 1], ['par', 18], ['cabos', 1]]),
    checklist: true,
    notes: ['Acesso de caminhões pelo portão 2. Não cravar estacas no gramado do campo principal.'],
    signatures: ['Responsável pela montagem', 'Conferido pelo cliente'],
    meta: { tipo: 'montagem', numero: '930', cliente: clubeNome, dataEvento: isoDay(day(15)) },
  });

  // 7. A debutante's party in almost six weeks: a proposal to a person.
  const festa15 = { key: 'festa15', date: day(40) };
  const festa15Nome = 'Helena Duarte Carvalho';
  add(festa15, withTotals({
    file: `ORCAMENTO Helena Duarte nº ${year}-0340.pdf`,
    layout: 'twoColumns',
    title: `ORÇAMENTO Nº ${year}/0340`,
    left: [
      ['Cliente', festa15Nome],
      ['Telefone', '(11) 94000-8080'],
    ],
    right: [
      ['Data de emissão', ''],
      ['Data do Evento', writeDay(festa15.date)],
      ['Local', 'Chácara Recanto das Palmeiras, Mairiporã - SP'],
    ],
    fields: [['Evento', 'Festa de 15 anos da Sofia (200 convidados)']],
    items: items([['tenda10', 2], ['lona', 40], ['piso', 100], ['carpete', 100], ['moving', 6], ['par', 16],
      ['fumaca', 1], ['varal', 10], ['gerador', 1]]),
    totalLabel: 'VALOR TOTAL',
    notes: orcamentoNotes,
    meta: { tipo: 'orcamento', numero: `${year}/0340`, cliente: festa15Nome },
  }, 10));

  for (const doc of docs) {
    for (const list of [doc.fields, doc.left, doc.right])
      for (const f of list ?? []) if (f[0] === 'Data de emissão') f[1] = doc.emitted;
  }
  return docs;
}

/**
 * The atendimentos the seeding step creates: two with the demo technician
 * (one past, one upcoming), two without. `pdfs` as POST /api/atendimentos
 * takes them (tipo + numero).
 */
export function demoAtendimentos(today, docs) {
  const at = (n, hhmm) => `${isoDay(addDays(today, n))}T${hhmm}:00-03:00`;
  const pdfsOf = (event) =>
    docs.filter((d) => d.event === event).map((d) => ({ tipo: d.meta.tipo, numero: d.meta.numero }));
  return [
    {
      titulo: 'Casamento Laura & Pedro – Buffet Estrela',
      cliente: 'Buffet Estrela Dourada Ltda.',
      local: 'Espaço Jardim das Oliveiras, Cotia - SP',
      dataInicio: at(-13, '07:00'),
      dataFim: at(-11, '12:00'),
      tecnico: true,
      pdfs: pdfsOf('estrela'),
    },
    {
      titulo: 'Arraiá do Colégio Santa Inês',
      cliente: 'Colégio Santa Inês de Itapecerica',
      local: 'Pátio central do colégio, Itapecerica da Serra - SP',
      dataInicio: at(-5, '08:00'),
      dataFim: at(-4, '20:00'),
      tecnico: false,
      pdfs: pdfsOf('colegio'),
    },
    {
      titulo: '12ª Festa da Colheita do Vale do Ribeira',
      cliente: 'Associação Beneficente dos Produtores Rurais e Artesãos do Vale do Ribeira',
      local: 'Parque de Exposições Municipal, Registro - SP',
      dataInicio: at(1, '07:00'),
      dataFim: at(4, '18:00'),
      tecnico: true,
      pdfs: pdfsOf('colheita'),
    },
    {
      titulo: 'Convenção anual – Agência Conceito',
      cliente: 'Agência Conceito Eventos Corporativos Ltda.',
      local: 'Hotel Serra Azul, Campinas - SP',
      dataInicio: at(8, '18:00'),
      dataFim: at(9, '20:00'),
      tecnico: false,
      pdfs: pdfsOf('conceito'),
    },
  ];
}
