// The dashboard's technicians page, verification queue, analytics page, the catalog's
// order and prices in pounds, in a real browser: Debian's headless Chromium driven by
// playwright-core (tests/browser/package.json). Every page in Arabic and English, a
// screenshot of each in $WARSHA_TEST_ARTIFACT_DIR/browser/, every action a plain form.
//
// Exit 77 (ctest: skipped) without a test stack, without chromium or without the npm
// packages (tests/browser/lib.mjs); 1 on any failure.
import { deflateSync } from 'node:zlib';
import {
  BASE, ADMIN_EMAIL, ADMIN_PASSWORD, uniq, api, expectApi, register, adminToken, page, shot,
  check, go, submit, test, run
} from './lib.mjs';

async function technician(city, fields = {}) {
  const t = await register({ role: 'technician', lastName: 'Tech', ...fields });
  await expectApi(200, api('PUT', `/api/technicians/${t.id}`,
    { workingAreas: { city }, specializations: ['plumbing'], experienceYears: 7 }, adminToken));
  return t;
}

async function makeService(nameEn, sortOrder) {
  const b = { nameAr: 'خدمة ' + uniq(6), nameEn, descriptionAr: 'وصف',
    descriptionEn: 'For the browser tests', category: 'plumbing', duration: 60,
    price: { basePrice: 15050 }, sortOrder,
    availability: { isActive: true, workingHours: { start: '00:00', end: '23:59' },
      workingDays: ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] },
    requirements: { requiresApproval: false } };
  return (await expectApi(201, api('POST', '/api/services', b, adminToken))).data.id;
}

// A PNG of w x h (an ID card's photo stands in), and a small PDF (a certificate).
function crc32(buf) {
  let c, crc = 0xffffffff;
  for (const b of buf) {
    c = (crc ^ b) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(tag, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(tag), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(w, h) {
  const rows = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + 3 * w);
    for (let x = 0; x < w; x++) row.set([(x * 3) & 0xff, (y * 5) & 0xff, 160], 1 + 3 * x);
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}
function pdf(text) {
  const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  const objs = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`];
  let out = '%PDF-1.4\n';
  const offs = [];
  objs.forEach((o, i) => { offs.push(out.length); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n` + offs.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out);
}

async function sendFile(token, name, type, bytes) {
  const fd = new FormData();
  fd.append('file', new Blob([bytes], { type }), name);
  fd.append('private', 'true');
  return (await expectApi(201, api('POST', '/api/files', fd, token))).data.file.id;
}

function nationalId() {
  const y = 1960 + Math.floor(Math.random() * 40);
  const d2 = (n) => String(n).padStart(2, '0');
  return `2${d2(y % 100)}${d2(1 + Math.floor(Math.random() * 12))}${d2(1 + Math.floor(Math.random() * 28))}01` +
    String(Math.floor(Math.random() * 1e4)).padStart(4, '0') + String(Math.floor(Math.random() * 10));
}

async function submitted(firstName) {
  const t = await technician('Giza', { firstName });
  const documents = [
    { type: 'national_id_front', fileId: await sendFile(t.token, 'front.png', 'image/png', png(320, 200)) },
    { type: 'certificate', fileId: await sendFile(t.token, 'certificate.pdf', 'application/pdf', pdf('Plumbing certificate')) },
  ];
  const v = (await expectApi(201, api('POST', '/api/users/craftsman/verification',
    { nationalId: nationalId(), documents }, t.token))).data;
  return { t, v };
}

async function profileState(id) {
  const d = (await expectApi(200, api('GET', `/api/technicians/${id}`, undefined, adminToken))).data;
  return d.technician.technician.verification.status;
}

// ---------------------------------------------------------------- the tests


test('signs_in', async () => {
  await go('/admin/login?lang=ar');
  await page.fill('#email', ADMIN_EMAIL);
  await page.fill('#password', ADMIN_PASSWORD);
  await Promise.all([page.waitForURL(BASE + '/admin/'), page.click('button[type=submit]')]);
  for (const href of ['/admin/technicians', '/admin/verifications', '/admin/analytics']) {
    check(await page.locator(`header nav a[href="${href}"]`).count() === 1, `the menu lacks ${href}`);
  }
});

test('lists_technicians_with_filters_and_opens_one', async () => {
  const city = 'Browser City ' + uniq(6);
  const evil = '<script>alert(1)</script>';
  const a = await technician(city, { firstName: evil });
  const b = await technician(city);
  await expectApi(200, api('PUT', `/api/technicians/${b.id}`, { verification: { status: 'verified' } }, adminToken));
  await go(`/admin/technicians?city=${encodeURIComponent(city)}`);
  check(await page.getAttribute('html', 'dir') === 'rtl', 'the technicians page is not right to left');
  check(await page.locator('#technicians tbody tr').count() === 2, 'not both technicians listed');
  const link = page.locator(`a[href="/admin/technicians/${a.id}"]`);
  check((await link.textContent()).includes(evil), 'the name is not shown as text');
  await shot('technicians');
  await page.selectOption('select[name=verification]', 'verified');
  await submit('form.filters button[type=submit]');
  check(page.url().includes('verification=verified'), `the filter is not in the address: ${page.url()}`);
  check(await page.locator('#technicians tbody tr').count() === 1, 'the verification filter did not narrow');
  check(await page.locator(`a[href="/admin/technicians/${b.id}"]`).count() === 1, 'the verified one is not listed');
  await go(`/admin/technicians?city=${encodeURIComponent(city)}&lang=en`);
  check(await page.getAttribute('html', 'dir') === 'ltr', 'the English page is not left to right');
  await shot('technicians-en');
  await submit(`a[href="/admin/technicians/${a.id}"]`);
  check((await page.textContent('#technician-name')).includes(evil), 'the detail does not show the name as text');
  check(await page.locator('#technician-name script').count() === 0, 'the name became a script element');
  check(await page.locator('#performance #perf-completed').count() === 1, 'no performance figures');
  check(/^\d+\.\d\d$/.test((await page.textContent('#perf-earnings')).trim()), 'earnings are not in pounds');
  await shot('technician-en');
  await go('/admin/technicians?lang=ar');
});

test('reviews_the_verification_queue', async () => {
  const { t, v } = await submitted('Queue ' + uniq(4));
  await go('/admin/verifications?limit=100');
  check(await page.locator(`a[href="/admin/verifications/${v.id}"]`).count() === 1, 'the request is not queued');
  await shot('verifications');
  await submit(`a[href="/admin/verifications/${v.id}"]`);
  // the card's photo is a private file read through the dashboard's session
  const img = page.locator('img.document');
  check(await img.count() === 1, 'the photo of the card is not shown');
  await img.evaluate((el) => el.decode());
  check(await img.evaluate((el) => el.naturalWidth) === 320, 'the photo of the card did not load');
  const certificate = page.locator('#documents a').nth(1);
  const r = await page.request.get(BASE + await certificate.getAttribute('href'));
  check(r.status() === 200 && r.headers()['content-type'].startsWith('application/pdf'), `the certificate: ${r.status()}`);
  check(/^\d{14}$/.test((await page.textContent('#national-id')).trim()), 'the whole number is not shown to staff');
  await shot('verification');
  // without its token: refused, nothing changed
  await page.fill('#reject-reason', 'Should not happen');
  await page.evaluate(() => document.querySelector('#reject-form input[name=_csrf]').remove());
  let resp = await submit('#reject-form button[type=submit]');
  check(resp.status() === 403, `a form without its token answered ${resp.status()}`);
  check(await profileState(t.id) === 'pending', 'rejected without a token');
  // a rejection says why
  await go(`/admin/verifications/${v.id}`);
  resp = await submit('#reject-form button[type=submit]');
  check(resp.status() === 422, `a rejection without a reason answered ${resp.status()}`);
  check(await page.locator('#reject-form .field-error').count() === 1, 'no error beside the reason');
  await shot('verification-refused');
  await page.fill('#reject-reason', 'The photo of the card is blurred');
  await Promise.all([page.waitForURL(/\/admin\/verifications\?saved=1/), page.click('#reject-form button[type=submit]')]);
  check(await page.locator('.flash').count() === 1, 'no confirmation after the rejection');
  check(await profileState(t.id) === 'rejected', 'the profile is not rejected');
  const second = await submitted('Approved ' + uniq(4));
  await go(`/admin/verifications/${second.v.id}?lang=en`);
  await page.fill('#approve-reason', 'Checked against the card');
  await Promise.all([page.waitForURL(/saved=1/), page.click('#approve-form button[type=submit]')]);
  check(await profileState(second.t.id) === 'verified', 'the profile is not verified');
  await go(`/admin/verifications/${second.v.id}`);
  check(await page.locator('#approve-form').count() === 0, 'a decided request can be decided again');
  await shot('verification-approved-en');
  await go('/admin/verifications?lang=ar');
});

test('draws_analytics_for_a_chosen_period', async () => {
  await go('/admin/analytics');
  check(await page.locator('svg.chart').count() >= 1, 'no chart');
  await shot('analytics');
  await page.selectOption('#period', '90days');
  await page.selectOption('#groupBy', 'week');
  await submit('#period-form button[type=submit]');
  check(page.url().includes('period=90days') && page.url().includes('groupBy=week'), `the choice is not in the address: ${page.url()}`);
  check(await page.locator('#groupBy option[value=week][selected]').count() === 1, 'the grouping is not kept');
  const figures = await page.locator('figure.card').count();
  check(figures === 7, `the analytics page has ${figures} figures, not 7`);
  const bookings = (await expectApi(200, api('GET', '/api/analytics/bookings?period=90days&groupBy=week', undefined, adminToken))).data.summary.totalBookings;
  check(Number(await page.textContent('#an-bookings')) === bookings, 'the page and the endpoint disagree');
  check(/^\d+\.\d\d$/.test((await page.textContent('#an-revenue')).trim()), 'the revenue is not in pounds');
  await shot('analytics-90days');
  await page.fill('#startDate', '2026-01-10');
  await page.fill('#endDate', '2026-01-01');
  const resp = await submit('#period-form button[type=submit]');
  check(resp.status() === 422 && await page.locator('.field-error').count() >= 1, 'a reversed range is not refused');
  await go('/admin/analytics?lang=en&period=1year&groupBy=month');
  await shot('analytics-en');
  await page.setViewportSize({ width: 390, height: 844 });
  await go('/admin/analytics');
  await shot('analytics-phone');
  await page.setViewportSize({ width: 1280, height: 900 });
  await go('/admin/analytics?lang=ar');
});

test('moves_services_in_the_catalog', async () => {
  const tag = 'Order QA ' + uniq(6);
  const first = await makeService(`${tag} one`, 999998);
  const second = await makeService(`${tag} two`, 999999);
  const search = `/admin/services?search=${encodeURIComponent(tag)}`;
  await go(search);
  const order = async () => (await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.id)));
  check(JSON.stringify(await order()) === JSON.stringify([`service-${first}`, `service-${second}`]), `before: ${await order()}`);
  await shot('services-order');
  await Promise.all([page.waitForURL(/saved=1/), page.click(`#service-${second} .move-up button`)]);
  check(page.url().includes('search='), `the list's filter is lost: ${page.url()}`);
  check(JSON.stringify(await order()) === JSON.stringify([`service-${second}`, `service-${first}`]), `after: ${await order()}`);
  await shot('services-moved');
});

test('types_prices_in_pounds', async () => {
  const nameEn = 'Pounds in the browser ' + uniq(6);
  await go('/admin/services/new');
  await page.fill('#nameAr', 'خدمة بالجنيه ' + uniq(4));
  await page.fill('#nameEn', nameEn);
  await page.fill('#descriptionAr', 'وصف');
  await page.fill('#descriptionEn', 'Priced in pounds');
  await page.fill('#category', 'plumbing');
  await page.fill('#basePrice', '150.505');
  let resp = await submit('#service-form button[type=submit]');
  check(resp.status() === 422, `three decimals answered ${resp.status()}`);
  check(await page.inputValue('#basePrice') === '150.505', 'the typed price is gone');
  check((await page.textContent('#service-form .field-error')).includes('السعر الأساسي'), 'the error does not name the price');
  await shot('service-price-refused');
  await page.fill('#basePrice', '150.50');
  await Promise.all([page.waitForURL(/\/admin\/services\?saved=1/), page.click('#service-form button[type=submit]')]);
  await go(`/admin/services?search=${encodeURIComponent(nameEn)}`);
  const row = page.locator('tbody tr').first();
  check((await row.textContent()).includes('150.50'), 'the list does not show 150.50');
  const id = (await row.getAttribute('id')).replace('service-', '');
  const svc = (await expectApi(200, api('GET', `/api/services/${id}`, undefined, adminToken))).data;
  check(svc.price.basePrice === 15050, `stored as ${svc.price.basePrice} piastres`);
  await go(`/admin/services/${id}/edit`);
  check(await page.inputValue('#basePrice') === '150.50', 'the edit form does not show pounds');
});

await run();
