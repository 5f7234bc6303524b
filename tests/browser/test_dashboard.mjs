// The admin dashboard in a real browser: Debian's headless Chromium driven by
// playwright-core (pinned in tests/browser/package.json, installed by scripts/dev with
// npm ci). It signs in, bans and unbans a user, approves a booking, assigns a
// technician, creates a service, checks that a form posted without its CSRF token
// changes nothing and that a name written as a script is shown as text, and writes a
// screenshot of every page to $WARSHA_TEST_ARTIFACT_DIR/browser/.
//
// Exit 77 (ctest: skipped) without a test stack, without chromium or without the npm
// packages (tests/browser/lib.mjs); 1 on any failure.
import {
  BASE, ADMIN_EMAIL, ADMIN_PASSWORD, uniq, api, expectApi, register, adminToken, page, shot,
  check, go, test, run
} from './lib.mjs';

async function makeService(requiresApproval = true) {
  const b = { nameAr: 'خدمة متصفح ' + uniq(6), nameEn: 'Browser QA ' + uniq(8),
    descriptionAr: 'وصف', descriptionEn: 'For the browser tests', category: 'plumbing',
    duration: 60, price: { basePrice: 15000 },
    availability: { isActive: true, workingHours: { start: '00:00', end: '23:59' },
      workingDays: ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] },
    requirements: { requiresApproval } };
  return (await expectApi(201, api('POST', '/api/services', b, adminToken))).data.id;
}

async function makeBooking(customer, serviceId) {
  const d = new Date(Date.now() + 2 * 86400e3).toISOString().slice(0, 10);
  const b = { serviceId, scheduledDateTime: `${d}T10:00:00.000Z`,
    location: { address: '5 Corniche', city: 'Cairo', governorate: 'cairo',
      coordinates: { lat: 30.0444, lng: 31.2357 } },
    customerInfo: { customerName: 'Mona Ali', phoneNumber: '01012345678' },
    serviceDetails: { problemDescription: 'The tap leaks' }, isEmergency: false };
  return (await expectApi(201, api('POST', '/api/bookings', b, customer.token))).data;
}

async function userRow(id) {
  const d = (await expectApi(200, api('GET', `/api/users/${id}`, undefined, adminToken))).data;
  return d.user || d;
}

// ---------------------------------------------------------------- the tests

test('signs_in_in_arabic', async () => {
  await go('/admin/login');
  check(await page.getAttribute('html', 'dir') === 'rtl', 'the sign-in page is not right to left');
  check(await page.getAttribute('html', 'lang') === 'ar', 'the sign-in page is not Arabic');
  await shot('login');
  await page.fill('#email', ADMIN_EMAIL);
  await page.fill('#password', 'Wrong-pass1');
  await page.click('button[type=submit]');
  check(await page.inputValue('#email') === ADMIN_EMAIL, 'the typed e-mail is gone after a refusal');
  check(await page.locator('.alert').count() === 1, 'no refusal shown');
  await page.fill('#password', ADMIN_PASSWORD);
  await Promise.all([page.waitForURL(BASE + '/admin/'), page.click('button[type=submit]')]);
  check(await page.locator('#stat-bookings').count() === 1, 'no overview figures after sign-in');
  const bg = await page.evaluate(() => getComputedStyle(document.querySelector('header.top')).backgroundColor);
  check(bg === 'rgb(11, 110, 79)', `the stylesheet is not applied (header ${bg})`);
  await shot('overview');
  await go('/admin/?period=1year');
  check(await page.locator('figure.card').count() === 4, 'the overview lacks its four charts');
  await go('/admin/?lang=en');
  check(await page.getAttribute('html', 'dir') === 'ltr', 'the English switch did not turn the page');
  await shot('overview-en');
  await page.setViewportSize({ width: 390, height: 844 });
  await go('/admin/');
  await shot('overview-phone');
  await page.setViewportSize({ width: 1280, height: 900 });
  await go('/admin/?lang=ar');
});

test('bans_and_unbans_a_user_and_shows_a_script_name_as_text', async () => {
  const evil = '<script>alert(1)</script>';
  const u = await register({ firstName: evil, lastName: 'Hacker' });
  await go(`/admin/users?search=${encodeURIComponent(u.email)}`);
  await shot('users');
  const link = page.locator(`a[href="/admin/users/${u.id}"]`);
  check(await link.count() === 1, 'the user is not in the list');
  check((await link.textContent()).includes(evil), 'the name is not shown as text in the list');
  await Promise.all([page.waitForURL(`${BASE}/admin/users/${u.id}`), link.click()]);
  check((await page.textContent('#user-name')).includes(evil), 'the name is not shown as text');
  check(await page.locator('#user-name script').count() === 0, 'the name became a script element');
  await shot('user');
  await page.fill('#reason', 'Abusive messages');
  await Promise.all([page.waitForURL(/saved=1/), page.click('#ban-form button[type=submit]')]);
  check(await page.locator('#unban-form').count() === 1, 'no unban form after the ban');
  check((await userRow(u.id)).isBanned === true, 'the user is not banned');
  await shot('user-banned');
  await Promise.all([page.waitForURL(/saved=1/), page.click('#unban-form button[type=submit]')]);
  check(await page.locator('#ban-form').count() === 1, 'no ban form after the unban');
  check((await userRow(u.id)).isBanned === false, 'the user is still banned');
});

test('a_form_without_its_csrf_token_changes_nothing', async () => {
  const u = await register();
  await go(`/admin/users/${u.id}`);
  await page.fill('#reason', 'Should not happen');
  await page.evaluate(() => document.querySelector('#ban-form input[name=_csrf]').remove());
  const [resp] = await Promise.all([page.waitForNavigation(), page.click('#ban-form button[type=submit]')]);
  check(resp.status() === 403, `a form without its token answered ${resp.status()}`);
  await shot('csrf-refused');
  check((await userRow(u.id)).isBanned === false, 'the user was banned without a token');
  await go(`/admin/users/${u.id}`);
  await page.evaluate(() => { document.querySelector('#ban-form input[name=_csrf]').value = 'f'.repeat(64); });
  await page.fill('#reason', 'Should not happen');
  const [resp2] = await Promise.all([page.waitForNavigation(), page.click('#ban-form button[type=submit]')]);
  check(resp2.status() === 403, `a wrong token answered ${resp2.status()}`);
  check((await userRow(u.id)).isBanned === false, 'the user was banned with a wrong token');
});

test('approves_a_booking_and_assigns_a_technician', async () => {
  const sid = await makeService(true);
  const customer = await register();
  const booking = await makeBooking(customer, sid);
  const tech = await register({ role: 'technician', firstName: 'Karim', lastName: 'Fixer' });
  await go(`/admin/bookings?serviceId=${sid}`);
  await shot('bookings');
  await go(`/admin/bookings/${booking.id}`);
  await shot('booking');
  await page.fill('#notes', 'Approved from the browser');
  await Promise.all([page.waitForURL(/saved=1/), page.click('#approve-form button[value=true]')]);
  let b = (await expectApi(200, api('GET', `/api/bookings/${booking.id}`, undefined, adminToken))).data;
  check(b.status === 'approved', `after approval the status is ${b.status}`);
  check((await page.textContent('#booking-status')).includes('approved'), 'the page does not show approved');
  await page.fill('#technicianId', String(tech.id));
  await Promise.all([page.waitForURL(/saved=1/), page.click('#assign-form button[type=submit]')]);
  b = (await expectApi(200, api('GET', `/api/bookings/${booking.id}`, undefined, adminToken))).data;
  check(b.technicianId === tech.id, `the technician is ${b.technicianId}, not ${tech.id}`);
  check((await page.textContent('#booking-technician')).includes(String(tech.id)), 'the page does not show the technician');
  await shot('booking-assigned');
});

test('creates_a_service', async () => {
  const nameEn = 'Browser made ' + uniq(8);
  await go('/admin/services/new');
  await page.fill('#nameEn', nameEn);
  await page.fill('#descriptionEn', 'Made in the browser test');
  await page.fill('#category', 'plumbing');
  await page.fill('#basePrice', '250.00');
  await page.click('#service-form button[type=submit]');
  check(await page.locator('.field-error').count() >= 1, 'no field error for the missing Arabic name');
  check(await page.inputValue('#nameEn') === nameEn, 'the typed name is gone');
  await shot('service-form-errors');
  await page.fill('#nameAr', 'خدمة من المتصفح ' + uniq(4));
  await page.fill('#descriptionAr', 'وصف من المتصفح');
  await Promise.all([page.waitForURL(/\/admin\/services\?saved=1/), page.click('#service-form button[type=submit]')]);
  await page.fill('input[name=search]', nameEn);
  await Promise.all([page.waitForURL(/search=/), page.click('form.filters button[type=submit]')]);
  check((await page.content()).includes(nameEn), 'the new service is not in the list');
  await shot('services');
});

test('every_page_answers', async () => {
  for (const [path, name] of [['/admin/users/new', 'user-new'], ['/admin/notifications', 'notifications'],
    ['/admin/settings', 'settings'], ['/admin/activity', 'activity']]) {
    await go(path);
    await shot(name);
  }
  await Promise.all([page.waitForURL(/\/admin\/login/), page.click('header form button[type=submit]')]);
  await go('/admin/users', 200);
  check(page.url().startsWith(BASE + '/admin/login'), 'signed out, the users page still opens');
});

await run();
