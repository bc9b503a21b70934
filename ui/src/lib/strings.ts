// Shared pt-BR text of the lib layer: error messages of the API client,
// server reachability and the live connection.

export const errorText = {
  network: 'Servidor inacessível. Verifique a conexão; tentaremos de novo automaticamente.',
  unreachable: 'O servidor não está respondendo. Tentaremos de novo automaticamente.',
  unauthorized: 'Sua sessão terminou. Entre novamente.',
  forbidden: 'Você não tem permissão para fazer isso.',
  crossSite: 'Pedido recusado por segurança (veio de outra origem). Recarregue a página e tente de novo.',
  notFound: 'Não encontrado. Talvez tenha sido removido.',
  notConnected: 'O daemon está offline: o comando não pôde ser entregue.',
  daemonTimeout: 'O daemon não respondeu em 10 segundos. Ele pode estar sobrecarregado ou com a rede instável.',
  databaseUnavailable: 'O banco de dados está indisponível. Nada foi alterado; tente de novo em instantes.',
  unavailable: 'O servidor não respondeu a tempo. Tente de novo em instantes.',
  rateLimited: (wait: string) => `Muitas requisições seguidas. Aguarde ${wait} e tente de novo.`,
  tooManyAttempts: (wait: string) => `Muitas tentativas de entrada. Tente de novo em ${wait}.`,
  invalidCredentials: 'Usuário ou senha incorretos.',
  accountDisabled: 'Esta conta está desativada. Fale com um administrador.',
  badRequest: (detail: string) => (detail ? `Dados inválidos: ${detail}` : 'Dados inválidos.'),
  badPassword: 'Senha inválida: use de 8 a 256 caracteres, sem caracteres de controle.',
  conflict: (detail: string) => (detail ? `Conflito: ${detail}` : 'Isso já existe.'),
  tooLarge: 'O pedido é grande demais para o servidor.',
  unexpected: (status: number) => `Erro inesperado do servidor (HTTP ${status}).`,
} as const;

export const networkText = {
  bannerTitle: 'Servidor inacessível',
  bannerBody: 'Não conseguimos falar com o servidor. Os dados na tela podem estar desatualizados; esta mensagem some sozinha quando a conexão voltar.',
  offlineTitle: 'Sem conexão com a internet',
  offlineBody: 'Você está vendo o que foi salvo neste aparelho. Tudo se atualiza sozinho quando a conexão voltar.',
} as const;

export const liveText = {
  live: 'Ao vivo',
  liveHint: 'Atualizações chegam em tempo real.',
  reconnecting: 'Reconectando… atualizando a cada 10 s',
  reconnectingHint: 'A conexão em tempo real caiu. Enquanto ela não volta, os dados são buscados a cada 10 segundos.',
  connecting: 'Conectando…',
  refused: 'Tempo real recusado pelo servidor; atualizando a cada 10 s',
} as const;

export const commonText = {
  pullToRefresh: 'Puxe para atualizar',
  releaseToRefresh: 'Solte para atualizar',
  refreshing: 'Atualizando…',
} as const;
