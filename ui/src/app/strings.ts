// pt-BR text of the shell: navigation, header, errors that are not a feature's.
export const appText = {
  product: 'Siberius',
  skipToContent: 'Pular para o conteúdo',
  navLabel: 'Navegação principal',
  nav: {
    monitor: 'Monitoramento',
    users: 'Usuários',
    daemonTokens: 'Tokens de daemon',
    apiTokens: 'Tokens de API',
    audit: 'Auditoria',
    tecnicoHome: 'Início',
    agenda: 'Agenda',
  },
  signedInAs: 'Conectado como',
  logout: 'Sair',
  loggingOut: 'Saindo…',
  notFoundTitle: 'Página não encontrada',
  notFoundBody: 'O endereço não corresponde a nenhuma página do Siberius.',
  backHome: 'Ir para a página inicial',
  crashTitle: 'Algo deu errado nesta tela',
  crashBody: 'Um erro inesperado impediu a exibição. Recarregar a página costuma resolver; os dados do servidor não foram afetados.',
  reload: 'Recarregar a página',
} as const;
