import { sessionOf, type World, type WorldUser } from './world.js';

/** STEP1: 口座情報 → お客様情報 → 登録情報照会 (the パスワード関連 rows). */
export async function openRegistrationInfo(world: World, user: WorldUser) {
  return world.rp.getRegistrationInfo({ sessionId: sessionOf(user) });
}

/** STEP2: tapping 登録 shows the email choice (or, with the OTP service, goes straight to the code). */
export async function tapRegister(world: World, user: WorldUser) {
  const { emails } = await world.rp.listEmails({ sessionId: sessionOf(user) });
  user.emails = emails.map((e: { emailId: number; address: string }) => ({ emailId: e.emailId, address: e.address }));
  return user.emails;
}
