/** The hosted pages' words, in English and Chinese; the language comes from Accept-Language. */
export const MESSAGES = {
  en: {
    signInTitle: 'Sign in',
    signInTo: (app: string) => `Sign in to ${app}`,
    asksFor: (app: string) => `${app} will receive:`,
    account: 'Email, phone number or username',
    password: 'Password',
    submit: 'Sign in',
    wrong: 'The account or password is wrong.',
    missing: 'Enter your account and your password.',
    locked: 'Too many wrong passwords: this account is locked for a while. Try again later.',
    inactive: 'This account is not active and cannot sign in. Contact your administrator.',
    resigned: 'This account has been closed and can no longer sign in.',
    expired: 'This form has expired. Go back to the application and sign in again.',
    consentTitle: 'Allow access',
    consentAsk: (app: string, who: string) => `${app} asks to use your account ${who}:`,
    allow: 'Allow',
    deny: 'Deny',
    errorTitle: 'Sign-in request refused',
    errorLead: 'The application sent a request this server cannot answer. Nothing was sent back to it.',
    continueTitle: 'Returning to the application',
    continueButton: 'Continue',
    logoutTitle: 'Sign out',
    logoutAsk: 'Sign out of every application of this user pool in this browser?',
    logoutButton: 'Sign out',
    loggedOut: 'You are signed out.',
    scopes: {
      openid: 'your account identifier', profile: 'your name and profile', email: 'your email address', phone: 'your phone number',
      offline_access: 'access while you are away (a refresh token)', username: 'your username', external_id: 'your external identifier',
    } as Record<string, string>,
  },
  zh: {
    signInTitle: '登录',
    signInTo: (app: string) => `登录 ${app}`,
    asksFor: (app: string) => `${app} 将获得：`,
    account: '邮箱、手机号或用户名',
    password: '密码',
    submit: '登录',
    wrong: '账号或密码错误。',
    missing: '请输入账号和密码。',
    locked: '密码错误次数过多，账号已暂时锁定，请稍后再试。',
    inactive: '该账号未处于激活状态，无法登录，请联系管理员。',
    resigned: '该账号已离职关闭，无法再登录。',
    expired: '表单已过期，请返回应用重新登录。',
    consentTitle: '授权访问',
    consentAsk: (app: string, who: string) => `${app} 请求使用你的账号 ${who}：`,
    allow: '允许',
    deny: '拒绝',
    errorTitle: '登录请求被拒绝',
    errorLead: '应用发送的请求无法处理，未向应用返回任何内容。',
    continueTitle: '正在返回应用',
    continueButton: '继续',
    logoutTitle: '退出登录',
    logoutAsk: '在此浏览器中退出本用户池的所有应用？',
    logoutButton: '退出登录',
    loggedOut: '你已退出登录。',
    scopes: {
      openid: '你的账号标识', profile: '你的姓名和资料', email: '你的邮箱地址', phone: '你的手机号',
      offline_access: '离线访问（刷新令牌）', username: '你的用户名', external_id: '你的外部标识',
    } as Record<string, string>,
  },
};

export type Lang = keyof typeof MESSAGES;
export type Messages = (typeof MESSAGES)['en'];

/** The best of en and zh for an Accept-Language header (RFC 9110 quality values); English otherwise. */
export function pickLanguage(header: string | undefined): Lang {
  if (!header) return 'en';
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.trim(), q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return 'en';
}
