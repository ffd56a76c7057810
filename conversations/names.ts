/**
 * The names conversations are registered and entered by. They sit below both the conversations and the bot
 * features that enter them, so neither has to import the other to know a name.
 */
export const DEMPER_SETTINGS = 'demper-settings';
export const DEMPER_SETUP = 'demper-setup';
export const EMAIL_LOGIN = 'email-login';
export const EXCEL_IMPORT = 'excel-import';
export const PREORDER_EDIT = 'preorder-edit';
export const PRICE_EDIT = 'price-edit';
export const SMS_LOGIN = 'sms-login';
