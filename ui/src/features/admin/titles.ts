// The admin pages' titles and intros: in the first load (navigation, headings
// shown while a page's chunk arrives). The rest of the text is in strings.ts.
export const adminTitles = {
  users: { title: 'Usuários', intro: 'Contas de administradores e técnicos: adicionar, desativar e reativar, redefinir senha.' },
  daemonTokens: { title: 'Tokens de daemon', intro: 'Cada escritório roda um daemon que se autentica com um token. Crie (mostrado uma única vez), rotacione com sobreposição e revogue.' },
  apiTokens: { title: 'Tokens de API', intro: 'Tokens para automação (scripts, monitoramento externo), usados como “Authorization: Bearer …”.' },
  audit: { title: 'Auditoria', intro: 'Ações de administradores e falhas de autenticação, das mais recentes às mais antigas.' },
  loadingPage: 'Carregando a página…',
} as const;
