// pt-BR text of the system monitor (the design's "Monitoramento de Sistema").
import type { LogLevel, TokenState } from './types';

export const monitorText = {
  pageTitle: 'Monitoramento de Sistema',
  pageIntro: 'Os daemons dos escritórios, o cache de PDFs e o servidor, ao vivo.',

  alerts: {
    heading: (n: number) => (n === 1 ? '1 alerta ativo' : `${n} alertas ativos`),
    severity: { warning: 'Atenção', critical: 'Crítico' } as Record<string, string>,
    since: 'desde',
    title: (kind: string, subject: string): string => {
      switch (kind) {
        case 'daemon_offline': return `Daemon ${subject} offline`;
        case 'daemons_offline_pct': return 'Muitos daemons offline';
        case 'daemon_versions': return 'Daemons em versões diferentes';
        case 'cache_capacity': return 'Cache de PDFs quase cheio';
        case 'disk_floor': return 'Pouco espaço livre em disco';
        case 'janitor_failed': return 'Falha na limpeza do cache';
        case 'db_unreachable': return 'PostgreSQL inacessível';
        default: return `${kind} (${subject})`;
      }
    },
  },

  cards: {
    label: 'Visão geral',
    daemons: 'Daemons ativos',
    daemonsValue: (online: string, total: string) => `${online} de ${total}`,
    daemonsHint: (offline: string) => (offline === '0' ? 'todos online' : `${offline} offline`),
    noDaemons: 'nenhum cadastrado',
    pdfs: 'PDFs indexados',
    pdfsToday: (n: string) => `${n} hoje`,
    cache: 'Cache utilizado',
    cacheFiles: (n: string) => `${n} ${n === '1' ? 'arquivo' : 'arquivos'}`,
    cacheOf: (capacity: string, pct: string) => `de ${capacity} (${pct})`,
    uptime: 'Uptime do servidor',
    uptimeSince: (when: string) => `desde ${when}`,
    version: (v: string) => `versão ${v}`,
    unavailable: 'indisponível',
  },

  table: {
    caption: 'Daemons',
    count: (shown: string, total: string) =>
      shown === total ? `${total} ${total === '1' ? 'daemon' : 'daemons'}` : `Mostrando ${shown} de ${total} ${total === '1' ? 'daemon' : 'daemons'}`,
    searchLabel: 'Buscar',
    searchPlaceholder: 'Nome, clientId, IP, versão…',
    statusFilterLabel: 'Status',
    filters: { all: 'Todos', online: 'Online', offline: 'Offline', blocked: 'Bloqueados' },
    clearFilters: 'Limpar filtros',
    columns: {
      name: 'Nome', clientId: 'Client ID', status: 'Status', remoteAddr: 'IP remoto', localAddr: 'IP local',
      version: 'Versão', lastSeen: 'Última visão', pdfs: 'PDFs', actions: 'Ações',
    },
    sortBy: (col: string) => `Ordenar por ${col}`,
    view: 'Ver',
    viewLabel: (name: string) => `Ver detalhes de ${name}`,
    never: 'nunca',
    neverTitle: 'Este daemon ainda não deu sinal de vida (nenhuma conexão nem heartbeat).',
    unbound: 'sem vínculo',
    unboundTitle: 'Nenhum daemon se conectou com este token ainda.',
    noMatch: 'Nenhum daemon corresponde à busca e ao filtro.',
    loading: 'Carregando daemons…',
    loadFailed: 'Não foi possível carregar os daemons.',
    retry: 'Tentar de novo',
  },

  status: { online: 'Online', offline: 'Offline', blocked: 'Bloqueado' },

  empty: {
    title: 'Nenhum daemon cadastrado ainda',
    body: 'Cada escritório roda um daemon que indexa a pasta de PDFs. Para adicionar um:',
    steps: [
      'crie um token de daemon em “Tokens de daemon” (ou com siberius-admin daemon-token create "Nome do escritório");',
      'coloque o token e o CLIENT_ID no arquivo .env do daemon, na máquina do escritório;',
      'inicie o daemon: ele aparece aqui como online em poucos segundos.',
    ],
    action: 'Criar um token de daemon',
  },

  charts: {
    title: 'Gráficos',
    timeAxis: 'Momento',
    rangeLabel: 'Período',
    range24h: '24 h',
    range7d: '7 dias',
    loading: 'Carregando…',
    failed: 'Não foi possível carregar este gráfico.',
    stale: (why: string) => `Não foi possível atualizar: ${why}`,
    noData: 'Sem dados neste período.',
    dataTable: 'Ver os dados em tabela',
    timeline: {
      title: 'Linha do tempo das conexões',
      legendOnline: 'Online',
      scrollLabel: (n: number) => `Linha do tempo de ${n} ${n === 1 ? 'daemon' : 'daemons'} (os dados estão na tabela abaixo)`,
      legendOffline: 'Offline',
      summary: (n: number, fullyOnline: number) =>
        n === 0 ? 'Nenhum daemon no período.' : `${n} ${n === 1 ? 'daemon' : 'daemons'}; ${fullyOnline} online o período inteiro.`,
      colDaemon: 'Daemon',
      colOnline: 'Tempo online',
      colSessions: 'Conexões',
      colLast: 'Último evento',
      spanTitle: (name: string, from: string, to: string) => `${name}: online de ${from} até ${to}`,
      now: 'agora',
    },
    pdfs: {
      title: 'PDFs indexados por hora',
      series: 'PDFs indexados',
      summary: (total: string, peak: string, peakAt: string) => `${total} PDFs no período; pico de ${peak} às ${peakAt}.`,
      colHour: 'Hora',
      colDay: 'Dia',
      colCount: 'PDFs',
    },
    cache: {
      title: 'Uso do cache ao longo do tempo',
      series: 'Cache utilizado',
      capacity: 'Capacidade',
      summary: (now: string, min: string, max: string) => `Agora ${now}; entre ${min} e ${max} no período.`,
      capacityNote: (capacity: string) => ` Capacidade: ${capacity}.`,
      colTime: 'Momento',
      colBytes: 'Tamanho',
      colFiles: 'Arquivos',
    },
    latency: {
      title: 'Latência de heartbeat',
      topN: (n: number, total: number) => `Os ${n} daemons de maior latência, de ${total}.`,
      summary: (name: string, ms: string) => `Maior latência média: ${name}, ${ms}.`,
      colDaemon: 'Daemon',
      colAvg: 'Média',
      colMax: 'Máxima',
      colSamples: 'Amostras',
    },
  },

  detail: {
    dialogLabel: (name: string) => `Daemon: ${name}`,
    close: 'Fechar',
    loading: 'Carregando detalhes…',
    loadFailed: 'Não foi possível carregar este daemon.',
    notFound: 'Este daemon não existe (ou foi removido).',
    tabs: { overview: 'Visão geral', logs: 'Logs', config: 'Configuração' },
    tabsLabel: 'Seções do daemon',
    sections: {
      general: 'Informações gerais', network: 'Rede', stats: 'Estatísticas', config: 'Configuração',
      tokens: 'Tokens', pdfs: 'PDFs por status',
    },
    fields: {
      clientId: 'Client ID', hostname: 'Hostname', platform: 'Plataforma', version: 'Versão do daemon', runtime: 'Runtime',
      status: 'Status', createdAt: 'Cadastrado em',
      remoteAddr: 'IP público', localAddr: 'IP local', connectedAt: 'Última conexão', disconnectedAt: 'Última desconexão',
      lastHeartbeat: 'Último heartbeat', latency: 'Latência (ida e volta)',
      pdfsIndexed: 'PDFs indexados (total)', pdfsUploaded: 'PDFs enviados', lastPdf: 'Último PDF', lastSync: 'Última sincronização',
      errors: 'Erros relatados', queued: 'Na fila', uptime: 'Uptime', memory: 'Uso de memória',
      reconnections: 'Reconexões', uploadsFailed: 'Envios com falha', uploadSpeed: 'Velocidade média de envio',
      parseTime: 'Tempo médio de leitura de PDF',
      pdfDirectory: 'Diretório de PDFs', scanInterval: 'Intervalo de varredura', logLevel: 'Nível de log', autoUpload: 'Envio automático',
    },
    autoUploadOn: 'Habilitado',
    autoUploadOff: 'Desabilitado',
    configPending: (v: string) => `${v} (pedido pelo admin; o daemon ainda não informou que aplicou)`,
    configInUse: (v: string) => `em uso: ${v}`,
    everySeconds: (d: string) => `a cada ${d}`,
    tokenState: { active: 'Ativo', expiring: 'Expirando', expired: 'Expirado', revoked: 'Revogado' } satisfies Record<TokenState, string>,
    tokenCols: { name: 'Nome', publicId: 'ID público', state: 'Estado', createdAt: 'Criado em', endsAt: 'Termina em' },
    noTokens: 'Nenhum token.',
    pdfStatus: { total: 'Total', availableLocal: 'Só no escritório', uploading: 'Enviando', cached: 'No cache', expired: 'Expirados', missing: 'Ausentes' },
  },

  actions: {
    groupLabel: 'Ações do daemon',
    resync: 'Forçar Resync',
    disconnect: 'Desconectar',
    block: 'Bloquear',
    unblock: 'Desbloquear',
    logs: 'Ver Logs',
    config: 'Configuração',
    confirm: 'Confirmar',
    cancel: 'Cancelar',
    working: 'Enviando…',
    confirmResync: (name: string) =>
      `Forçar uma reconciliação completa de “${name}”? O daemon envia de novo a lista de todos os PDFs da pasta; com muitos arquivos isso leva alguns minutos.`,
    resyncReason: 'Motivo (opcional, fica no log do daemon)',
    confirmDisconnect: (name: string) => `Desconectar “${name}”? Ele volta a se conectar sozinho em alguns segundos.`,
    confirmBlock: (name: string) => `Bloquear “${name}”? Ele é desconectado agora e não poderá se conectar até ser desbloqueado.`,
    confirmUnblock: (name: string) => `Desbloquear “${name}”? Ele volta a poder se conectar.`,
    confirmConfig: (name: string) => `Enviar a nova configuração para “${name}”?`,
    resyncDone: (ack: string) => `O daemon confirmou o resync${ack}. A sincronização da pasta começou.`,
    disconnectDone: 'Desconectado. O daemon deve reconectar em instantes.',
    blockDone: 'Bloqueado. O daemon foi desconectado e não consegue mais se conectar.',
    unblockDone: 'Desbloqueado. O daemon já pode se conectar de novo.',
    offlineHint: 'O daemon está offline: resync e desconectar só funcionam com ele conectado.',
    failed: (what: string, why: string) => `${what} falhou: ${why}`,
  },

  logs: {
    title: 'Eventos recentes',
    levelLabel: 'Nível',
    levels: { all: 'Todos', error: 'Erro', warn: 'Aviso', info: 'Info', debug: 'Debug' } satisfies Record<LogLevel | 'all', string>,
    colAt: 'Quando',
    colLevel: 'Nível',
    colEvent: 'Evento',
    colDetails: 'Detalhes',
    none: 'Nenhum evento relatado por este daemon.',
    noneAtLevel: 'Nenhum evento neste nível.',
    refresh: 'Atualizar',
    count: (shown: number, total: number) => `${shown} de ${total} eventos (os 50 mais recentes que o servidor guarda)`,
  },

  cleanup: {
    title: 'Cache',
    intro: 'A limpeza apaga as cópias vencidas e as sobras de envios interrompidos. Ela roda na partida do servidor e todo dia no horário agendado; aqui você a executa agora.',
    run: 'Executar limpeza',
    running: 'Limpando…',
    latest: 'Última limpeza',
    earlier: 'Limpezas anteriores',
    none: 'Nenhuma limpeza registrada ainda.',
    loading: 'Carregando relatórios de limpeza…',
    loadFailed: (why: string) => `Não foi possível carregar os relatórios de limpeza. ${why}`,
    retry: 'Tentar de novo',
    triggers: { scheduled: 'Agendada', on_demand: 'Sob demanda', early: 'Na partida' } as Record<string, string>,
    fields: {
      when: 'Quando', trigger: 'Origem', filesRemoved: 'Arquivos removidos', bytesFreed: 'Espaço liberado',
      expiredRows: 'Registros expirados', tempRemoved: 'Temporários removidos', duration: 'Duração', errors: 'Erros',
    },
    /** The earlier runs' table: short heads, the full names in each head's title. */
    columns: {
      filesRemoved: 'Arquivos', bytesFreed: 'Liberado', expiredRows: 'Expirados', tempRemoved: 'Temporários',
    },
    noErrors: 'nenhum',
    errorCount: (n: string) => `${n} ${n === '1' ? 'erro' : 'erros'}`,
    errorsTitle: (n: string) => `${n === '1' ? 'Um erro' : `${n} erros`} nesta limpeza (ela seguiu adiante em cada um):`,
    done: (files: string, bytes: string) => `Limpeza concluída: ${files} ${files === '1' ? 'arquivo removido' : 'arquivos removidos'}, ${bytes} liberados.`,
    doneWithErrors: (n: string) => ` Com ${n === '1' ? 'um erro' : `${n} erros`}: veja abaixo.`,
    joined: (trigger: string) => ` Já havia uma limpeza em andamento (${trigger.toLowerCase()}); este é o relatório dela.`,
    stillRunning: 'A limpeza continua em andamento no servidor. O relatório aparece aqui quando ela terminar.',
    failed: (why: string) => `A limpeza não foi executada. ${why}`,
    forbidden: 'Só administradores podem executar a limpeza do cache.',
    notStored: 'não gravado',
  },

  config: {
    intro: 'As mudanças valem na hora para um daemon conectado; um daemon offline as recebe quando conectar. Elas ficam na memória do daemon: o servidor as reenvia a cada conexão.',
    scanInterval: 'Intervalo de varredura (segundos)',
    scanIntervalHint: 'De 5 a 86.400 s. A varredura completa periódica da pasta.',
    scanIntervalInvalid: 'Use um número inteiro de 5 a 86.400.',
    logLevel: 'Nível de log',
    autoUpload: 'Envio automático de PDFs para o cache',
    autoUploadHint: 'O servidor busca sozinho, em segundo plano, os PDFs dos eventos dos próximos dias; pedidos das pessoas vêm sempre antes.',
    save: 'Salvar configuração',
    nothingChanged: 'Nada mudou.',
    appliedAll: 'O daemon aplicou a nova configuração.',
    applied: (list: string) => `Aplicado: ${list}.`,
    rejected: (list: string) => `Recusado pelo daemon: ${list}.`,
    notDelivered: 'Configuração salva. O daemon está offline e a recebe quando se conectar.',
  },
} as const;
